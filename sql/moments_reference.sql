-- The moment family against independent numpy/scipy values (test/reference/moments_reference.py):
-- every metric on all 13 EDHEC indices (monthly, ppy 12), the first 100 months of Convertible
-- Arbitrage at 0.95 and 0.99, and the six managers against the S&P 500 with the 3-month T-bill as
-- rf. Both the one-step aggregates and the return_summary / pair_summary accessors must agree with
-- numpy to 1e-9 relative.
SET search_path = public, portfolio;
CREATE TABLE edhec_wide (d date, ca float8, cta float8, ds float8, em float8, emn float8, ed float8,
                         fia float8, gm float8, lse float8, ma float8, rv float8, ss float8, fof float8);
\copy edhec_wide FROM 'test/fixtures/edhec.csv' CSV HEADER
CREATE TABLE edhec AS
SELECT d, fund, r FROM edhec_wide, LATERAL (VALUES
    ('Convertible Arbitrage', ca), ('CTA Global', cta), ('Distressed Securities', ds),
    ('Emerging Markets', em), ('Equity Market Neutral', emn), ('Event Driven', ed),
    ('Fixed Income Arbitrage', fia), ('Global Macro', gm), ('Long/Short Equity', lse),
    ('Merger Arbitrage', ma), ('Relative Value', rv), ('Short Selling', ss), ('Funds of Funds', fof)) v(fund, r);
CREATE TABLE managers (d date, ham1 float8, ham2 float8, ham3 float8, ham4 float8, ham5 float8,
                       ham6 float8, edhec_ls float8, sp500 float8, us10y float8, us3m float8);
\copy managers FROM 'test/fixtures/managers.csv' CSV HEADER
CREATE TABLE manager_returns AS
SELECT d, name, r, sp500 AS rb, us3m AS rf FROM managers, LATERAL (VALUES
    ('HAM1', ham1), ('HAM2', ham2), ('HAM3', ham3), ('HAM4', ham4), ('HAM5', ham5), ('HAM6', ham6)) v(name, r);
SELECT count(*) AS edhec_rows, count(DISTINCT fund) AS funds FROM edhec;
SELECT count(*) AS manager_rows, count(r) AS with_return FROM manager_returns;

CREATE TABLE reference (metric text, series text, expected float8);
INSERT INTO reference VALUES
    ('volatility', 'Convertible Arbitrage', 0.06944618701736839),
    ('sharpe', 'Convertible Arbitrage', 1.1073701074432514),
    ('sortino', 'Convertible Arbitrage', 1.5097008045433047),
    ('annualized_return', 'Convertible Arbitrage', 0.07702037109916526),
    ('twr', 'Convertible Arbitrage', 1.5595854038540429),
    ('var_gaussian', 'Convertible Arbitrage', 0.026457815770357218),
    ('cvar_gaussian', 'Convertible Arbitrage', 0.034807199291939296),
    ('var_cornish_fisher', 'Convertible Arbitrage', 0.03247394777421698),
    ('skewness', 'Convertible Arbitrage', -2.6836566837348705),
    ('kurtosis', 'Convertible Arbitrage', 16.17818540438648),
    ('mean', 'Convertible Arbitrage', 0.006408552631578948),
    ('stddev', 'Convertible Arbitrage', 0.02004738738433537),
    ('volatility', 'CTA Global', 0.08705599164573394),
    ('sharpe', 'CTA Global', 0.8945241187697435),
    ('sortino', 'CTA Global', 1.6386983589301602),
    ('annualized_return', 'CTA Global', 0.07671099227110623),
    ('twr', 'CTA Global', 1.5502877998129945),
    ('var_gaussian', 'CTA Global', 0.03471097829033752),
    ('cvar_gaussian', 'CTA Global', 0.04517755526626408),
    ('var_cornish_fisher', 'CTA Global', 0.03380228098571571),
    ('skewness', 'CTA Global', 0.13447513388792529),
    ('kurtosis', 'CTA Global', -0.11333032552878297),
    ('mean', 'CTA Global', 0.006489473684210526),
    ('stddev', 'CTA Global', 0.02513090010561715),
    ('volatility', 'Distressed Securities', 0.0635590261337229),
    ('sharpe', 'Distressed Securities', 1.5015880432688475),
    ('sortino', 'Distressed Securities', 2.3196751413553303),
    ('annualized_return', 'Distressed Securities', 0.09750962165439736),
    ('twr', 'Distressed Securities', 2.2496674963287453),
    ('var_gaussian', 'Distressed Securities', 0.022126898624429514),
    ('cvar_gaussian', 'Distressed Securities', 0.029768479944308007),
    ('var_cornish_fisher', 'Distressed Securities', 0.027492404208963442),
    ('skewness', 'Distressed Securities', -1.67458599250427),
    ('kurtosis', 'Distressed Securities', 6.439000725115104),
    ('mean', 'Distressed Securities', 0.00795328947368421),
    ('stddev', 'Distressed Securities', 0.01834791042386769),
    ('volatility', 'Emerging Markets', 0.1336153709774814),
    ('sharpe', 'Emerging Markets', 0.7405782048505792),
    ('sortino', 'Emerging Markets', 1.0606435053811216),
    ('annualized_return', 'Emerging Markets', 0.09361249399423155),
    ('twr', 'Emerging Markets', 2.1064941046966075),
    ('var_gaussian', 'Emerging Markets', 0.0549892694978992),
    ('cvar_gaussian', 'Emerging Markets', 0.07105359245907844),
    ('var_cornish_fisher', 'Emerging Markets', 0.0636308072875782),
    ('skewness', 'Emerging Markets', -1.2575101706124716),
    ('kurtosis', 'Emerging Markets', 5.102596476381425),
    ('mean', 'Emerging Markets', 0.008246052631578947),
    ('stddev', 'Emerging Markets', 0.0385714352008603),
    ('volatility', 'Equity Market Neutral', 0.031197069331753032),
    ('sharpe', 'Equity Market Neutral', 2.3089213342887036),
    ('sortino', 'Equity Market Neutral', 3.6188790186528688),
    ('annualized_return', 'Equity Market Neutral', 0.07393595413127962),
    ('twr', 'Equity Market Neutral', 1.4682710100402163),
    ('var_gaussian', 'Equity Market Neutral', 0.00876181291764832),
    ('cvar_gaussian', 'Equity Market Neutral', 0.01251257747056823),
    ('var_cornish_fisher', 'Equity Market Neutral', 0.011346373471250181),
    ('skewness', 'Equity Market Neutral', -2.7475964937652453),
    ('kurtosis', 'Equity Market Neutral', 17.4072601249089),
    ('mean', 'Equity Market Neutral', 0.006002631578947368),
    ('stddev', 'Equity Market Neutral', 0.009005818188307516),
    ('volatility', 'Event Driven', 0.06356790640169124),
    ('sharpe', 'Event Driven', 1.4389088178338685),
    ('sortino', 'Event Driven', 2.1804187864563436),
    ('annualized_return', 'Event Driven', 0.093190424075422),
    ('twr', 'Event Driven', 2.09134188294714),
    ('var_gaussian', 'Event Driven', 0.022462022386685494),
    ('cvar_gaussian', 'Event Driven', 0.030104671364361003),
    ('var_cornish_fisher', 'Event Driven', 0.028125145302865518),
    ('skewness', 'Event Driven', -1.7183616267229511),
    ('kurtosis', 'Event Driven', 6.1130780070261554),
    ('mean', 'Event Driven', 0.00762236842105263),
    ('stddev', 'Event Driven', 0.018350473936418688),
    ('volatility', 'Fixed Income Arbitrage', 0.04909080490454774),
    ('sharpe', 'Fixed Income Arbitrage', 1.0342273411547902),
    ('sortino', 'Fixed Income Arbitrage', 1.2674495239567154),
    ('annualized_return', 'Fixed Income Arbitrage', 0.05067509011611038),
    ('twr', 'Fixed Income Arbitrage', 0.8703958135708381),
    ('var_gaussian', 'Fixed Income Arbitrage', 0.019001981262608887),
    ('cvar_gaussian', 'Fixed Income Arbitrage', 0.024904075749505938),
    ('var_cornish_fisher', 'Fixed Income Arbitrage', 0.024679101523797965),
    ('skewness', 'Fixed Income Arbitrage', -3.7072075585155653),
    ('kurtosis', 'Fixed Income Arbitrage', 19.510233976336224),
    ('mean', 'Fixed Income Arbitrage', 0.004230921052631579),
    ('stddev', 'Fixed Income Arbitrage', 0.014171294713188018),
    ('volatility', 'Global Macro', 0.05895770441362726),
    ('sharpe', 'Global Macro', 1.5616011845832862),
    ('sortino', 'Global Macro', 3.8864481875984986),
    ('annualized_return', 'Global Macro', 0.09420830121671986),
    ('twr', 'Global Macro', 2.127999917464319),
    ('var_gaussian', 'Global Macro', 0.020230180539714766),
    ('cvar_gaussian', 'Global Macro', 0.027318553664913606),
    ('var_cornish_fisher', 'Global Macro', 0.015482465242130249),
    ('skewness', 'Global Macro', 0.8153104510618281),
    ('kurtosis', 'Global Macro', 1.7657514190163877),
    ('mean', 'Global Macro', 0.007672368421052631),
    ('stddev', 'Global Macro', 0.017019623257005043),
    ('volatility', 'Long/Short Equity', 0.07681235682740292),
    ('sharpe', 'Long/Short Equity', 1.2122843888499388),
    ('sortino', 'Long/Short Equity', 2.102299876699301),
    ('annualized_return', 'Long/Short Equity', 0.09401473337642963),
    ('twr', 'Long/Short Equity', 2.120998045524563),
    ('var_gaussian', 'Long/Short Equity', 0.028592641712858913),
    ('cvar_gaussian', 'Long/Short Equity', 0.03782764587785653),
    ('var_cornish_fisher', 'Long/Short Equity', 0.030374942126681882),
    ('skewness', 'Long/Short Equity', -0.3818282328419816),
    ('kurtosis', 'Long/Short Equity', 1.246472227009252),
    ('mean', 'Long/Short Equity', 0.007759868421052632),
    ('stddev', 'Long/Short Equity', 0.022173817445695333),
    ('volatility', 'Merger Arbitrage', 0.03868802905090731),
    ('sharpe', 'Merger Arbitrage', 2.104486143388122),
    ('sortino', 'Merger Arbitrage', 3.5210299664312275),
    ('annualized_return', 'Merger Arbitrage', 0.08372119447139892),
    ('twr', 'Merger Arbitrage', 1.768784671963623),
    ('var_gaussian', 'Merger Arbitrage', 0.011524776357773301),
    ('cvar_gaussian', 'Merger Arbitrage', 0.01617616480850778),
    ('var_cornish_fisher', 'Merger Arbitrage', 0.014868690670624445),
    ('skewness', 'Merger Arbitrage', -1.6474142789235335),
    ('kurtosis', 'Merger Arbitrage', 5.793238389515034),
    ('mean', 'Merger Arbitrage', 0.006784868421052631),
    ('stddev', 'Merger Arbitrage', 0.011168271993478699),
    ('volatility', 'Relative Value', 0.04570771500386854),
    ('sharpe', 'Relative Value', 1.7593482734124448),
    ('sortino', 'Relative Value', 2.6610804420647773),
    ('annualized_return', 'Relative Value', 0.08231657773021372),
    ('twr', 'Relative Value', 1.7236707080591263),
    ('var_gaussian', 'Relative Value', 0.014930492444319465),
    ('cvar_gaussian', 'Relative Value', 0.020425844440636047),
    ('var_cornish_fisher', 'Relative Value', 0.01926435062076942),
    ('skewness', 'Relative Value', -2.1018574256122324),
    ('kurtosis', 'Relative Value', 9.164629851482282),
    ('mean', 'Relative Value', 0.006701315789473685),
    ('stddev', 'Relative Value', 0.0131946807807631),
    ('volatility', 'Short Selling', 0.19086912842150455),
    ('sharpe', 'Short Selling', 0.2616149135235946),
    ('sortino', 'Short Selling', 0.4212419418988681),
    ('annualized_return', 'Short Selling', 0.032654289491176325),
    ('twr', 'Short Selling', 0.5023210162887555),
    ('var_gaussian', 'Short Selling', 0.08617027041186671),
    ('cvar_gaussian', 'Short Selling', 0.10911810418167003),
    ('var_cornish_fisher', 'Short Selling', 0.0743146257278528),
    ('skewness', 'Short Selling', 0.5777606207048109),
    ('kurtosis', 'Short Selling', 2.24858167949243),
    ('mean', 'Short Selling', 0.004161184210526316),
    ('stddev', 'Short Selling', 0.055099171337072456),
    ('volatility', 'Funds of Funds', 0.06308807367548681),
    ('sharpe', 'Funds of Funds', 1.1257445107120858),
    ('sortino', 'Funds of Funds', 1.8829940875785358),
    ('annualized_return', 'Funds of Funds', 0.07127025933900444),
    ('twr', 'Funds of Funds', 1.3917802580684242),
    ('var_gaussian', 'Funds of Funds', 0.023938882281653237),
    ('cvar_gaussian', 'Funds of Funds', 0.03152384187954631),
    ('var_cornish_fisher', 'Funds of Funds', 0.025028517673216653),
    ('skewness', 'Funds of Funds', -0.4593527502707491),
    ('kurtosis', 'Funds of Funds', 3.29931037877094),
    ('mean', 'Funds of Funds', 0.005918421052631579),
    ('stddev', 'Funds of Funds', 0.01821195815959863),
    ('volatility', 'CA first 100', 0.04165539595444043),
    ('sharpe', 'CA first 100', 2.174124094248249),
    ('sortino', 'CA first 100', 4.0975074879786515),
    ('annualized_return', 'CA first 100', 0.09348695910034732),
    ('twr', 'CA first 100', 1.1059435877547412),
    ('var_gaussian', 'CA first 100', 0.012133018306082422),
    ('cvar_gaussian', 'CA first 100', 0.017132536918536067),
    ('var_cornish_fisher', 'CA first 100', 0.01467439667748504),
    ('skewness', 'CA first 100', -0.8925105886315027),
    ('kurtosis', 'CA first 100', 1.3048400638649609),
    ('mean', 'CA first 100', 0.007546999999999999),
    ('stddev', 'CA first 100', 0.012024877033748315),
    ('var_gaussian', 'CA first 100 at 0.99', 0.020286825452476193),
    ('cvar_gaussian', 'CA first 100 at 0.99', 0.024341226275336594),
    ('var_cornish_fisher', 'CA first 100 at 0.99', 0.028202024148181043),
    ('beta_excess', 'HAM1', 0.39007124839948254),
    ('alpha', 'HAM1', 0.07154060138529328),
    ('beta_raw', 'HAM1', 0.39060332560510524),
    ('correlation', 'HAM1', 0.6600671228917021),
    ('tracking_error', 'HAM1', 0.11316665937003542),
    ('information_ratio', 'HAM1', 0.2605770686153562),
    ('sharpe_rf', 'HAM1', 1.0679933648678013),
    ('sortino_mar', 'HAM1', 1.748921952559843),
    ('beta_excess', 'HAM2', 0.33839421971570927),
    ('alpha', 'HAM2', 0.11473888040124902),
    ('beta_raw', 'HAM2', 0.34316210879724574),
    ('correlation', 'HAM2', 0.4128282371229315),
    ('tracking_error', 'HAM2', 0.1533647157069414),
    ('information_ratio', 'HAM2', 0.42382108362007076),
    ('sharpe_rf', 'HAM2', 1.04177572783314),
    ('sortino_mar', 'HAM2', 2.8131140261293925),
    ('beta_excess', 'HAM3', 0.5523233871942672),
    ('alpha', 'HAM3', 0.07720213178812196),
    ('beta_raw', 'HAM3', 0.5571520740249754),
    ('correlation', 'HAM3', 0.6608633450011466),
    ('tracking_error', 'HAM3', 0.11586734760909728),
    ('information_ratio', 'HAM3', 0.39165085238373487),
    ('sharpe_rf', 'HAM3', 0.880976073403615),
    ('sortino_mar', 'HAM3', 1.6924113261578093),
    ('beta_excess', 'HAM4', 0.6914073026205674),
    ('alpha', 'HAM4', 0.049443056570029675),
    ('beta_raw', 'HAM4', 0.6880904942625171),
    ('correlation', 'HAM4', 0.5601845617186809),
    ('tracking_error', 'HAM4', 0.15966555655651948),
    ('information_ratio', 'HAM4', 0.1767188221394576),
    ('sharpe_rf', 'HAM4', 0.5063429179369974),
    ('sortino_mar', 'HAM4', 0.7574283124299086),
    ('beta_excess', 'HAM5', 0.32083263007906176),
    ('alpha', 'HAM5', 0.02099780246080174),
    ('beta_raw', 'HAM5', 0.3179430435997437),
    ('correlation', 'HAM5', 0.2844487080541361),
    ('tracking_error', 'HAM5', 0.18002914843906948),
    ('information_ratio', 'HAM5', 0.1312990843016871),
    ('sharpe_rf', 'HAM5', 0.12267914920248434),
    ('sortino_mar', 'HAM5', 0.17679502473624265),
    ('beta_excess', 'HAM6', 0.32354143648574407),
    ('alpha', 'HAM6', 0.09821134688320643),
    ('beta_raw', 'HAM6', 0.32380879495159215),
    ('correlation', 'HAM6', 0.5091542033757279),
    ('tracking_error', 'HAM6', 0.11283904111312873),
    ('information_ratio', 'HAM6', 0.5719014612619892),
    ('sharpe_rf', 'HAM6', 1.3132331457326822),
    ('sortino_mar', 'HAM6', 2.394478436040182)
;
SELECT count(*) AS reference_values FROM reference;

-- one-step aggregates, grouped by fund (ppy 12)
CREATE TABLE computed AS
SELECT g.fund AS series, m.metric, m.value FROM (
    SELECT fund, volatility(r, 12) AS vol, sharpe(r, 0, 12) AS sh, sortino(r, 0, 12) AS so,
           annualized_return(r, 12) AS ar, twr(r) AS twr, var_gaussian(r, 0.95) AS vg,
           cvar_gaussian(r, 0.95) AS cg, var_cornish_fisher(r, 0.95) AS vcf
    FROM edhec GROUP BY fund
    UNION ALL
    SELECT 'CA first 100', volatility(r, 12), sharpe(r, 0, 12), sortino(r, 0, 12), annualized_return(r, 12),
           twr(r), var_gaussian(r), cvar_gaussian(r), var_cornish_fisher(r)
    FROM (SELECT r FROM edhec WHERE fund = 'Convertible Arbitrage' ORDER BY d LIMIT 100) f
    UNION ALL
    SELECT 'CA first 100 at 0.99', NULL, NULL, NULL, NULL, NULL, var_gaussian(r, 0.99),
           cvar_gaussian(r, 0.99), var_cornish_fisher(r, 0.99)
    FROM (SELECT r FROM edhec WHERE fund = 'Convertible Arbitrage' ORDER BY d LIMIT 100) f
) g, LATERAL (VALUES ('volatility', vol), ('sharpe', sh), ('sortino', so), ('annualized_return', ar),
                     ('twr', twr), ('var_gaussian', vg), ('cvar_gaussian', cg),
                     ('var_cornish_fisher', vcf)) m(metric, value)
WHERE m.value IS NOT NULL;
-- the same through return_summary accessors
INSERT INTO computed
SELECT g.fund, m.metric, m.value FROM (
    SELECT fund, return_stats(r) AS s FROM edhec GROUP BY fund
    UNION ALL
    SELECT 'CA first 100', return_stats(r)
    FROM (SELECT r FROM edhec WHERE fund = 'Convertible Arbitrage' ORDER BY d LIMIT 100) f
) g, LATERAL (VALUES ('volatility', volatility(s, 12)), ('sharpe', sharpe(s, 0, 12)),
                     ('annualized_return', annualized_return(s, 12)), ('twr', twr(s)),
                     ('var_gaussian', var_gaussian(s, 0.95)), ('cvar_gaussian', cvar_gaussian(s, 0.95)),
                     ('var_cornish_fisher', var_cornish_fisher(s, 0.95)), ('skewness', skewness(s)),
                     ('kurtosis', kurtosis(s)), ('mean', mean(s)), ('stddev', stddev(s))) m(metric, value);
-- a series against a benchmark, rf per row (one-step) and the pair summary (rf 0 in the summary)
INSERT INTO computed
SELECT g.name, m.metric, m.value FROM (
    SELECT name, beta(r - rf, rb - rf) AS be, alpha(r, rb, rf, 12) AS al, beta(r, rb) AS br,
           tracking_error(r, rb, 12) AS te, information_ratio(r, rb, 12) AS ir,
           sharpe(r, rf, 12) AS sh, sortino(r, rf, 12) AS so,
           beta(pair_stats(r, rb)) AS sbr, correlation(pair_stats(r, rb)) AS sco,
           tracking_error(pair_stats(r, rb), 12) AS ste, information_ratio(pair_stats(r, rb), 12) AS sir,
           beta(pair_stats(r - rf, rb - rf)) AS sbe, alpha(pair_stats(r - rf, rb - rf), 0, 12) AS sal
    FROM manager_returns WHERE r IS NOT NULL GROUP BY name
) g, LATERAL (VALUES ('beta_excess', be), ('alpha', al), ('beta_raw', br), ('tracking_error', te),
                     ('information_ratio', ir), ('sharpe_rf', sh), ('sortino_mar', so),
                     ('beta_raw', sbr), ('correlation', sco), ('tracking_error', ste),
                     ('information_ratio', sir), ('beta_excess', sbe), ('alpha', sal)) m(metric, value);

-- every computed value has a reference and agrees to 1e-9 relative
SELECT count(*) AS compared,
       count(*) FILTER (WHERE abs(c.value - r.expected) <= 1e-9 * abs(r.expected)) AS within_1e9
FROM computed c JOIN reference r USING (metric, series);
SELECT c.series, c.metric, c.value, r.expected FROM computed c LEFT JOIN reference r USING (metric, series)
WHERE r.expected IS NULL OR NOT abs(c.value - r.expected) <= 1e-9 * abs(r.expected);
-- the worst relative difference, as a power of ten (well below the 1e-9 asserted)
SELECT max(abs(c.value - r.expected) / abs(r.expected)) < 1e-12 AS worst_below_1e12
FROM computed c JOIN reference r USING (metric, series);
DROP TABLE computed, reference, manager_returns, managers, edhec, edhec_wide;
