"""The inspector pages (issue 9), served by `vledger serve` under `/`:
server-rendered Jinja2 templates with a little plain JavaScript that checks
inclusion proofs and checkpoint signatures in the browser (Web Crypto), and a
vendored chart library (uPlot); and `/work`, each acting party's home, whose
forms the browser signs itself (static/envelope.js, issue 14). `api.pages.router.pages_router` is mounted by
the HTTP app; nothing is imported here."""
