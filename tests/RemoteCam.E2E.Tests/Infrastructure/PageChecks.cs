using System.Text.Json;

using Microsoft.Playwright;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// Checks of a page as a person meets it: axe-core's accessibility rules (node_modules/axe-core, injected into the
/// page), and the layout by element boxes — every visible label sits by its control, and no two controls or labels
/// overlap or stick out of the screen.
/// </summary>
internal static class PageChecks
{
    private static readonly Lazy<string> AxeSource = new(() =>
    {
        var file = Path.Combine(RepositoryRoot.Folder, "node_modules", "axe-core", "axe.min.js");
        return File.Exists(file)
            ? File.ReadAllText(file)
            : throw new InvalidOperationException($"axe-core is missing ({file}): run 'npm ci' in the repository (package.json lists it).");
    });

    // axe's violations of impact serious or critical, one line each.
    private const string AxeScript = """
        async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 4).map(n => n.target.join(' ') + (n.failureSummary ? ' (' + n.failureSummary.replace(/\s+/g, ' ') + ')' : '')).join('; '));
        }
        """;

    // Problems of the layout, by element boxes: a label whose words are more than 24 px from its control (or that names
    // none), controls or label words that overlap each other, controls that stick out of the screen.
    private const string LayoutScript = """
        () => {
          const shown = e => {
            for (let x = e; x && x.nodeType === 1; x = x.parentElement) {
              const s = getComputedStyle(x);
              if (s.display === 'none' || s.visibility === 'hidden') return false;
            }
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.height > 0;
          };
          const name = e => (e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')) + ' "' + (e.textContent || e.value || '').trim().slice(0, 30) + '"';
          const words = el => {
            const rects = [], range = document.createRange();
            const walk = n => {
              for (const c of n.childNodes) {
                if (c.nodeType === 3 && c.textContent.trim()) { range.selectNodeContents(c); for (const r of range.getClientRects()) if (r.width && r.height) rects.push(r); }
                else if (c.nodeType === 1 && !c.matches('input, select, textarea, button') && shown(c)) walk(c);
              }
            };
            walk(el);
            return rects;
          };
          const gap = (a, b) => Math.max(0, Math.max(a.left, b.left) - Math.min(a.right, b.right)) + Math.max(0, Math.max(a.top, b.top) - Math.min(a.bottom, b.bottom));
          const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
          const problems = [];
          const boxes = [];
          for (const label of document.querySelectorAll('label')) {
            if (!shown(label)) continue;
            const control = label.control;
            const text = words(label);
            if (!control) { problems.push('label ' + name(label) + ' names no control'); continue; }
            for (const r of text) boxes.push({ el: label, r, what: 'the words of label ' + name(label) });
            // A label that stands in for a hidden control (a styled file input) is the control.
            if (!shown(control) || !text.length) continue;
            let c = control.getBoundingClientRect();
            // A checkbox or radio button is drawn at its own size in the middle of its box, however wide the box is.
            if (control.type === 'checkbox' || control.type === 'radio') {
              const side = Math.min(c.width, c.height, 24), x = c.left + (c.width - side) / 2, y = c.top + (c.height - side) / 2;
              c = { left: x, right: x + side, top: y, bottom: y + side };
            }
            const d = Math.min(...text.map(r => gap(r, c)));
            if (d > 24) problems.push('label ' + name(label) + ' is ' + Math.round(d) + ' px from its ' + name(control));
          }
          for (const e of document.querySelectorAll('button, a[href], input, select, textarea, summary, [tabindex]')) {
            if (!shown(e) || e.closest('#dim')) continue;
            const r = e.getBoundingClientRect();
            boxes.push({ el: e, r, what: name(e) });
            if (r.right > innerWidth + 1 || r.left < -1) problems.push(name(e) + ' sticks out of the screen (' + Math.round(r.left) + '–' + Math.round(r.right) + ' of ' + innerWidth + ' px)');
          }
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i], b = boxes[j];
              if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el) || (a.el.control && a.el.control === b.el) || (b.el.control && b.el.control === a.el)) continue;
              if (overlap(a.r, b.r) > 4) problems.push(a.what + ' overlaps ' + b.what);
            }
          }
          return Array.from(new Set(problems));
        }
        """;

    // The page's visible structure: the ids of visible elements, and the controls of each camera tile, in document order.
    private const string StructureScript = """
        () => {
          const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
          return Array.from(document.querySelectorAll('[id], .camera, .camera .controls > *, .camera video'))
            .filter(shown)
            .map(e => e.id ? '#' + e.id : e.className ? '.' + String(e.className).split(' ')[0] : e.tagName.toLowerCase());
        }
        """;

    /// <summary>axe-core's serious and critical violations on the page as it is now.</summary>
    public static async Task<string[]> AxeViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(AxeSource.Value + "\n;undefined");
        }

        return await page.EvaluateAsync<string[]>(AxeScript);
    }

    /// <summary>Labels away from their controls, overlapping controls, controls off the screen.</summary>
    public static async Task<string[]> LayoutProblemsAsync(IPage page) => await page.EvaluateAsync<string[]>(LayoutScript);

    /// <summary>The visible structure of the page (for "is this picture still what the page looks like").</summary>
    public static async Task<string[]> StructureAsync(IPage page) => await page.EvaluateAsync<string[]>(StructureScript);

    /// <summary>Runs axe and the layout checks at a phone's and a desktop's size; returns every problem, named by page and size.</summary>
    public static async Task<List<string>> CheckAsync(IPage page, string what)
    {
        var problems = new List<string>();
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            problems.AddRange((await AxeViolationsAsync(page)).Select(p => $"{what} at {width}×{height}: axe {p}"));
            problems.AddRange((await LayoutProblemsAsync(page)).Select(p => $"{what} at {width}×{height}: {p}"));
        }

        return problems;
    }

    /// <summary>A phone (360×740) and a desktop (1280×800).</summary>
    public static readonly IReadOnlyList<(int Width, int Height)> Sizes = [(360, 740), (1280, 800)];

    public static string Json(IEnumerable<string> lines) => JsonSerializer.Serialize(lines);
}
