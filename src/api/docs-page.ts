// The human-readable API page: the OpenAPI document rendered to one self-contained HTML page on the
// server (no script, no CDN, nothing fetched): operations by tag, who may call them, parameters,
// the request body's schema and every response.
type Json = Record<string, unknown>;

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const schemaBlock = (schema: unknown): string => `<details><summary>schema</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`;

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = (doc.tags as { name: string }[]).map((t) => t.name);
  const sections = tags.map((tag) => {
    const items = ops
      .filter((o) => (o.op.tags as string[]).includes(tag))
      .map(({ path, method, op }) => {
        const roles = (op['x-roles'] as string[] | undefined)?.join(', ') ?? 'public (no key)';
        const params = (op.parameters as Json[] | undefined) ?? [];
        const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
        const responses = Object.entries(op.responses as Record<string, Json>);
        return `<article id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p><strong>${esc(op.summary)}</strong></p>${op.description ? `<p>${esc(op.description)}</p>` : ''}
<p class="roles">roles: ${esc(roles)} · operationId: <code>${esc(op.operationId)}</code></p>
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${esc(p.description)} ${schemaBlock(p.schema)}</td></tr>`).join('')}</table>` : ''}
${body ? `<p>request body (application/json)</p>${schemaBlock(body['application/json']?.schema)}` : ''}
<table><tr><th>status</th><th>description</th></tr>${responses.map(([code, r]) => `<tr><td>${esc(code)}</td><td>${esc(r.description)}${Number(code) < 300 ? schemaBlock(Object.values((r.content ?? {}) as Record<string, Json>)[0]?.schema) : ''}</td></tr>`).join('')}</table>
</article>`;
      })
      .join('\n');
    return `<section id="${esc(tag)}"><h2>${esc(tag)}</h2>${items}</section>`;
  });
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)}</title>
<style>
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h2{border-bottom:2px solid #0a5;padding-bottom:.2rem;margin-top:2.5rem}article{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
h3{margin:.3rem 0}.m{display:inline-block;min-width:3.5rem;text-align:center;border-radius:4px;color:#fff;font-size:.85rem;padding:.1rem .3rem}
.get{background:#2a7}.post{background:#27a}.put{background:#a72}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:.8rem}
.roles{color:#555;font-size:.9rem}nav a{margin-right:1rem}
</style></head><body>
<h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p>OpenAPI ${esc(doc.openapi)} document: <a href="/openapi.json">/openapi.json</a></p>
<nav>${tags.map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join('')}</nav>
${sections.join('\n')}
</body></html>`;
}
