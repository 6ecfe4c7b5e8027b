// Charts with the vendored uPlot (api/pages/static/uPlot.iife.min.js, MIT).
"use strict";
(function () {
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  function width(element) { return Math.max(320, element.clientWidth || 800); }

  const balance = document.getElementById("balance-chart");
  if (balance) {
    const series = data(balance.dataset.seriesId);
    if (series.time.length) {
      const yuan = (fen) => fen.map((value) => value / 100);
      const steps = uPlot.paths.stepped({ align: 1 });
      new uPlot({
        width: width(balance), height: 280,
        scales: { x: { time: true } },
        series: [
          {},
          { label: "prepaid (¥)", stroke: "#2b6cb0", width: 2, paths: steps },
          { label: "paid (¥)", stroke: "#2f855a", width: 2, paths: steps },
          { label: "clawed back (¥)", stroke: "#c53030", width: 2, paths: steps },
        ],
        axes: [{}, { size: 70 }],
      }, [series.time, yuan(series.prepaid_fen), yuan(series.paid_fen), yuan(series.clawed_back_fen)], balance);
      balance.dataset.drawn = "yes";
    }
  }

  const perDay = document.getElementById("events-chart");
  if (perDay) {
    const series = data(perDay.dataset.seriesId);
    if (series.time.length) {
      new uPlot({
        width: width(perDay), height: 220,
        scales: { x: { time: true } },
        series: [{}, { label: "events per day", stroke: "#4a5568", fill: "rgba(74,85,104,0.25)",
                       paths: uPlot.paths.bars({ size: [0.8, 40] }) }],
        axes: [{}, { size: 50 }],
      }, [series.time, series.events], perDay);
      perDay.dataset.drawn = "yes";
    }
  }
})();
