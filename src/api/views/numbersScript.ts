/**
 * The Numbers page's small script: draws each chart with Chart.js (chartJs.ts, loaded before it) from
 * the data the server put in the canvas's `data-chart` attribute (labels, datasets, whether the values
 * are rates). Without JavaScript the tables beneath each chart still hold every number.
 */

/** Browser JavaScript for the Numbers page (a constant; its data comes from `data-chart` attributes). */
export const NUMBERS_SCRIPT = `
(() => {
  const percent = (value) => (value === null || value === undefined ? '—' : Math.round(value * 1000) / 10 + '%');
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const spec = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color, spanGaps: true, maxBarThickness: 36 })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: spec.stacked },
          y: {
            stacked: spec.stacked,
            beginAtZero: true,
            ...(spec.percent ? { max: 1, ticks: { callback: (value) => percent(value) } } : { ticks: { precision: 0 } }),
          },
        },
        plugins: {
          legend: { display: spec.datasets.length > 1 },
          tooltip: spec.percent ? { callbacks: { label: (item) => item.dataset.label + ': ' + percent(item.raw) } } : {},
        },
      },
    });
  }
})();
`;
