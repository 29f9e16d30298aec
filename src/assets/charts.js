// Draws each dashboard chart from the data table beside it, so the chart can never say something the
// table does not. Without JavaScript the tables are the figures. Chart.js is served locally (no CDN).
/* global Chart */
(() => {
  if (typeof Chart === 'undefined') return;
  // GOV.UK Design System colours, distinguishable in the order used.
  const colours = ['#1d70b8', '#f47738', '#00703c', '#4c2c92', '#d4351c', '#505a5f', '#28a197', '#912b88'];
  for (const holder of document.querySelectorAll('[data-chart-for]')) {
    const table = document.getElementById(holder.dataset.chartFor);
    if (!table) continue;
    const series = [...table.querySelectorAll('thead [data-series]')].map((th) => th.textContent.trim());
    const rows = [...table.querySelectorAll('tbody tr')];
    const labels = rows.map((row) => row.querySelector('th').textContent.trim());
    // '*' is a suppressed count and "No data" a period the source has no figure for: both are left as
    // gaps, never drawn as a number.
    const values = rows.map((row) =>
      [...row.querySelectorAll('td[data-value]')].map((td) => {
        const text = td.textContent.trim().replace(/,/g, '');
        return text === '*' || td.hasAttribute('data-gap') ? null : Number(text);
      }),
    );
    const type = holder.dataset.chartType;
    const palette = holder.dataset.chartColours ? holder.dataset.chartColours.split(' ') : colours;
    const horizontal = type !== 'line' && labels.length > 12;
    // Long category lists read better as horizontal bars, one line each (set through the CSSOM: the
    // content security policy allows no inline style attributes).
    if (horizontal) holder.style.height = `${labels.length * 24 + 60}px`;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute(
      'aria-label',
      `${holder.dataset.chartTitle}: chart. The same figures are in the table below.`,
    );
    holder.appendChild(canvas);
    holder.classList.add('drd-chart--drawn');
    if (values.some((row) => row.includes(null))) {
      const note = document.createElement('p');
      note.className = 'govuk-body-s drd-chart__note';
      note.textContent = 'Counts shown as * or “No data” in the table are not drawn.';
      holder.after(note);
    }
    new Chart(canvas, {
      type: type === 'line' ? 'line' : 'bar',
      data: {
        labels,
        datasets: series.map((label, s) => ({
          label,
          data: values.map((row) => row[s]),
          backgroundColor: palette[s % palette.length],
          borderColor: palette[s % palette.length],
          spanGaps: false,
        })),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: { legend: { display: series.length > 1 } },
        scales: {
          x: { stacked: type === 'stacked', beginAtZero: true },
          y: { stacked: type === 'stacked', beginAtZero: true },
        },
      },
    });
  }
})();
