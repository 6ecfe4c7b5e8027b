// Charts with the vendored uPlot (api/pages/static/uPlot.iife.min.js, MIT).
"use strict";
(function () {
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  // The series' names in the page's language, from the chart's data-labels (api/pages/language.py).
  function labels(element, english) { return element.dataset.labels ? JSON.parse(element.dataset.labels) : english; }
  function width(element) { return Math.max(320, element.clientWidth || 800); }

  const balance = document.getElementById("balance-chart");
  if (balance) {
    const series = data(balance.dataset.seriesId);
    if (series.time.length) {
      const yuan = (fen) => fen.map((value) => value / 100);
      const steps = uPlot.paths.stepped({ align: 1 });
      const names = labels(balance, ["prepaid (¥)", "paid (¥)", "clawed back (¥)"]);
      new uPlot({
        width: width(balance), height: 280,
        scales: { x: { time: true } },
        series: [
          {},
          { label: names[0], stroke: "#2b6cb0", width: 2, paths: steps },
          { label: names[1], stroke: "#2f855a", width: 2, paths: steps },
          { label: names[2], stroke: "#c53030", width: 2, paths: steps },
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
        series: [{}, { label: labels(perDay, ["events per day"])[0], stroke: "#4a5568", fill: "rgba(74,85,104,0.25)",
                       paths: uPlot.paths.bars({ size: [0.8, 40] }) }],
        axes: [{}, { size: 50 }],
      }, [series.time, series.events], perDay);
      perDay.dataset.drawn = "yes";
    }
  }
})();
