"""The Python test scripts' counting and reporting, the twin of test/suites/lib.sh.

    from pgp_test import ok, fail, check, near, finish
    check("alice sees one portfolio", len(rows) == 1, f"{len(rows)} rows")
    sys.exit(finish())          # prints "N passed, N failed"; returns the exit status

Lines read "ok - NAME" and "not ok - NAME (DETAIL)", like the shell suites', and the last line
"N passed, N failed" is what the suites and scripts/test.sh add up. The suites' shell lib puts
this folder on PYTHONPATH; a script run by hand adds it itself (see test/clients/*.py).
"""
import math

passed = failed = 0


def ok(name):
    """One passed test."""
    global passed
    passed += 1
    print(f"ok - {name}")
    return True


def fail(name, detail=""):
    """One failed test, with what was seen."""
    global failed
    failed += 1
    print(f"not ok - {name}" + (f" ({detail})" if detail else ""))
    return False


def check(name, good, detail=""):
    """Passes when good is true; the detail is shown only on failure. Returns good as a bool."""
    return ok(name) if good else fail(name, detail)


def equal(name, expected, actual):
    """Passes when the two values are equal."""
    return check(name, expected == actual, f"expected {expected!r}, got {actual!r}")


def close(a, b, rel=1e-9, abs_=1e-12):
    """a and b are both numbers and equal within rel (relative to the larger) or abs_ (absolute:
    by default float noise around zero, where a relative bound means nothing)."""
    return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)


def near(name, got, expected, rel=1e-9, abs_=0.0):
    """Passes when got is within rel of the reference value expected (relative to it, so a
    reference of 0 must be met exactly) or within abs_, or when both are None."""
    if got is None or expected is None:
        good = got is None and expected is None
    else:
        good = abs(got - expected) <= max(rel * max(abs(expected), 1e-300), abs_)
    return check(f"{name}: got {got!r}, expected {expected!r}", good)


def add(more_passed, more_failed):
    """Counts from elsewhere (a helper's own summary) added to these."""
    global passed, failed
    passed += more_passed
    failed += more_failed


def finish(require_some=False):
    """Prints the counts line; returns the exit status: 1 if anything failed (or, with
    require_some, if nothing passed), else 0."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or (require_some and not passed) else 0
