"""The inspector pages (issue 9), served by `vledger serve` under `/`:
server-rendered Jinja2 templates with a little plain JavaScript that checks
inclusion proofs and checkpoint signatures in the browser (Web Crypto), and a
vendored chart library (uPlot). `api.pages.router.pages_router` is mounted by
the HTTP app; nothing is imported here."""
