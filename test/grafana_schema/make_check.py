"""Writes a TypeScript file that assigns a Grafana dashboard (JSON) to Grafana's own Dashboard type
from @grafana/schema, for tsc --noEmit. An object literal gets TypeScript's excess-property
check, so an unknown field fails as well as a wrong type or value.

    make_check.py DASHBOARD.json OUT.ts [MUTATION]
MUTATION breaks the dashboard on purpose (the suite proves the check can fail):
  unknown-field   a top-level "refreshh"
  wrong-type      "graphTooltip": "shared" (a number in the schema)
  bad-enum        the first panel colour mode "fixedd"
  empty-current   the first variable's "current": {} (text and value are required)"""
import json
import sys

dash = json.load(open(sys.argv[1]))
mutation = sys.argv[3] if len(sys.argv) > 3 else None
if mutation == "unknown-field":
    dash["refreshh"] = "5s"
elif mutation == "wrong-type":
    dash["graphTooltip"] = "shared"
elif mutation == "bad-enum":
    panel = next(p for p in dash["panels"] if "color" in p.get("fieldConfig", {}).get("defaults", {}))
    panel["fieldConfig"]["defaults"]["color"]["mode"] = "fixedd"
elif mutation == "empty-current":
    dash["templating"]["list"][0]["current"] = {}
elif mutation:
    sys.exit(f"unknown mutation {mutation}")

PRELUDE = """import type { Dashboard, VariableModel } from '@grafana/schema';

// JSON spells enum values as strings ("fixed"), TypeScript's enums want FieldColorModeId.Fixed:
// Json<T> turns every string enum into the union of its values, and leaves the rest as it is.
type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T
  : T extends Array<infer U> ? Array<Json<U>> : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

// Grafana writes `definition` (the query text its variable editor shows) into query variables;
// the published types leave it out. The one field allowed beyond the schema.
type Variable = Json<VariableModel> & { definition?: string };
type CheckedDashboard = Omit<Json<Dashboard>, 'templating'> & { templating?: { list?: Variable[] } };

export const dashboard: CheckedDashboard = """
with open(sys.argv[2], "w") as out:
    out.write(PRELUDE + json.dumps(dash, indent=2) + ";\n")
