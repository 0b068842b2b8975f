// The browser script of an action's page: follows the command's output over server-sent events from
// the line the page was rendered with. The browser itself resumes a dropped stream, sending the last
// line's number as Last-Event-ID. Lines are added as text, never as HTML. Served as /assets/action-stream.js.
export const ACTION_STREAM_JS = `(() => {
  const output = document.getElementById('action-output');
  const status = document.getElementById('action-status');
  if (!output || !status || !output.dataset.stream) return;
  const source = new EventSource(output.dataset.stream + '?after=' + output.dataset.after);
  source.addEventListener('line', (event) => {
    const { stream, line } = JSON.parse(event.data);
    const span = document.createElement('span');
    if (stream === 'stderr') span.className = 'stderr';
    span.textContent = line + '\\n';
    output.appendChild(span);
  });
  source.addEventListener('end', (event) => {
    const end = JSON.parse(event.data);
    status.textContent = end.text;
    status.className = 'action-status ' + end.outcome;
    source.close();
  });
})();
`;
