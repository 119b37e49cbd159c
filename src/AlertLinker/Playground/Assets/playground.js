// The runbook playground. Everything shown is built with DOM nodes and textContent, never innerHTML: alert text is
// untrusted and the page's Content-Security-Policy allows no inline script. Links are made only for http(s) and mailto.
"use strict";

(() => {
  const api = {
    templates: "/api/preview/templates",
    render: "/api/preview/render",
    samples: "/playground/samples",
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    sample: $("sample"),
    source: $("source"),
    body: $("body"),
    template: $("template"),
    editor: $("editor"),
    gutter: $("gutter"),
    backdrop: $("backdrop"),
    editorProblem: $("editor-problem"),
    render: $("render"),
    revert: $("revert"),
    download: $("download"),
    check: $("check-command"),
    status: $("status"),
    problems: $("problems"),
    message: $("message"),
    threadSection: $("thread-section"),
    thread: $("thread"),
    messageText: $("message-text"),
    model: $("model"),
  };

  /** file name → { text (edited), original, kind, title } */
  const files = new Map();
  let samples = [];
  let current = null;
  /** file name → problems of the last render: [{ line, column, message }] */
  let problemsByFile = new Map();
  let rendering = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- loading ----------------------------------------------------------------------------------------------------

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(problemText(response, data));
    return data;
  }

  function problemText(response, data) {
    if (data && (data.title || data.detail)) return `${response.status} ${data.title || ""}: ${data.detail || ""}`.trim();
    return `${response.status} ${response.statusText}`;
  }

  async function start() {
    wireEvents();
    setStatus("Loading templates and samples…");
    try {
      const [templates, sampleSet] = await Promise.all([getJson(api.templates), getJson(api.samples)]);
      ui.check.textContent = templates.checkCommand;
      for (const file of templates.files) {
        files.set(file.file, { text: file.text, original: file.text, kind: file.kind, title: file.title });
      }
      fillTemplateList();
      if (templates.templatesNotLoaded && templates.templatesNotLoaded.length) {
        showWarning("The templates on disk do not load; this is the last set that did: " + templates.templatesNotLoaded.join("; "));
      }
      samples = sampleSet.samples;
      for (const name of sampleSet.sources) ui.source.append(new Option(name, name));
      for (const sample of samples) ui.sample.append(new Option(sample.title, sample.id));
      ui.sample.append(new Option("(my own body: paste it)", ""));
      const first = [...files.keys()].find((name) => files.get(name).kind === "runbook") || [...files.keys()][0];
      if (first) openFile(first);
      if (samples.length) {
        useSample(samples[0].id);
        await render();
      } else {
        setStatus("No samples: paste a webhook body and press Render.");
      }
    } catch (error) {
      setStatus("");
      showProblems([{ message: "The playground could not load: " + error.message }]);
    }
  }

  function fillTemplateList() {
    const selected = current;
    ui.template.replaceChildren();
    for (const [name, file] of files) {
      const edited = file.text !== file.original ? " (edited)" : "";
      const problems = problemsByFile.get(name);
      const problem = problems && problems.length ? ` (problem at line ${problems[0].line || "?"})` : "";
      const label = (file.kind === "partial" ? "partial " : "") + name + (file.title ? ` — ${file.title}` : "") + edited + problem;
      ui.template.append(new Option(label, name, false, name === selected));
    }
  }

  function useSample(id) {
    const sample = samples.find((s) => s.id === id);
    if (!sample) return;
    ui.sample.value = id;
    ui.source.value = sample.source;
    ui.body.value = pretty(sample.body);
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  // ---- the editor -------------------------------------------------------------------------------------------------

  function openFile(name) {
    if (current && files.has(current)) files.get(current).text = ui.editor.value;
    current = name;
    ui.template.value = name;
    ui.editor.value = files.get(name).text;
    ui.editor.scrollTop = 0;
    paintLines();
  }

  function paintLines() {
    const count = ui.editor.value.split("\n").length;
    const problems = (current && problemsByFile.get(current)) || [];
    const bad = new Map(problems.filter((p) => p.line).map((p) => [p.line, p]));
    const gutter = document.createDocumentFragment();
    const backdrop = document.createDocumentFragment();
    for (let line = 1; line <= count; line++) {
      const number = el("span", "line", line);
      number.dataset.line = String(line);
      const band = el("div", "band");
      band.dataset.line = String(line);
      if (bad.has(line)) {
        number.classList.add("error");
        number.title = bad.get(line).message;
        band.classList.add("error");
      }
      gutter.append(number);
      backdrop.append(band);
    }
    ui.gutter.replaceChildren(gutter);
    ui.backdrop.replaceChildren(backdrop);
    syncScroll();
    const first = problems[0];
    ui.editorProblem.hidden = !first;
    ui.editorProblem.textContent = first ? problemLabel(first) : "";
  }

  function syncScroll() {
    ui.gutter.scrollTop = ui.editor.scrollTop;
    ui.backdrop.scrollTop = ui.editor.scrollTop;
  }

  function goToLine(file, line, column) {
    openFile(file);
    const lines = ui.editor.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, Math.min((column || 1) - 1, (lines[line - 1] || "").length));
    ui.editor.focus();
    ui.editor.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(ui.editor).lineHeight) || 20;
    ui.editor.scrollTop = Math.max(0, (line - 4) * lineHeight);
    syncScroll();
  }

  function problemLabel(problem) {
    const where = problem.file ? `${problem.file}${problem.line ? ` line ${problem.line}` : ""}${problem.column ? `, column ${problem.column}` : ""}: ` : "";
    return where + problem.message;
  }

  // ---- rendering --------------------------------------------------------------------------------------------------

  async function render() {
    if (current) files.get(current).text = ui.editor.value;
    const templates = {};
    for (const [name, file] of files) if (file.text !== file.original) templates[name] = file.text;
    const request = { body: ui.body.value, templates };
    if (ui.source.value) request.source = ui.source.value;
    const ticket = ++rendering;
    setStatus("Rendering…");
    ui.render.disabled = true;
    const started = performance.now();
    try {
      const response = await fetch(api.render, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(request),
      });
      const data = await response.json().catch(() => null);
      if (ticket !== rendering) return;
      if (!response.ok) {
        problemsByFile = new Map();
        showProblems([{ message: problemText(response, data) }]);
        clearResult();
        setStatus("Not rendered.");
      } else {
        showResult(data, Math.round(performance.now() - started));
      }
    } catch (error) {
      if (ticket !== rendering) return;
      showProblems([{ message: "The render request failed: " + error.message }]);
      setStatus("Not rendered.");
    } finally {
      if (ticket === rendering) ui.render.disabled = false;
      fillTemplateList();
      paintLines();
    }
  }

  function showResult(data, elapsed) {
    const preview = data.preview;
    problemsByFile = new Map();
    for (const problem of data.problems) {
      if (!problem.file) continue;
      if (!problemsByFile.has(problem.file)) problemsByFile.set(problem.file, []);
      problemsByFile.get(problem.file).push(problem);
    }
    showProblems(data.problems);
    if (preview.templatesNotLoaded && preview.templatesNotLoaded.length) {
      showWarning("The templates on disk do not load; unedited files render as the last set that did: " + preview.templatesNotLoaded.join("; "));
    }
    if (preview.ignored) {
      clearResult();
      ui.message.append(el("p", "sk-empty", `${preview.source}: nothing to post — ${preview.ignored}`));
      setStatus(`Parsed as ${preview.source}; nothing to deliver.`);
      return;
    }
    const slack = preview.slack;
    ui.message.replaceChildren(renderMessage(slack.blocks, slack.attachments));
    ui.thread.replaceChildren();
    for (const reply of slack.thread || []) ui.thread.append(renderMessage(reply.blocks, []));
    ui.threadSection.hidden = !(slack.thread && slack.thread.length);
    ui.messageText.textContent = textAlternative(slack);
    renderModel(preview.alerts);
    followRenderedRunbook(preview.alerts);
    const runbooks = preview.alerts.reduce((n, a) => n + a.runbooks.length, 0);
    const parts = [`Rendered as ${preview.source}${preview.detected ? " (told from the body)" : ""}`,
      `${preview.alerts.length} alert(s), ${runbooks} runbook(s)`, `${elapsed} ms`];
    if (data.problems.length) parts.push(`${data.problems.length} problem(s)`);
    if (slack.cuts && slack.cuts.length) parts.push("cut to fit Slack: " + slack.cuts.join(", "));
    setStatus(parts.join(" · ") + ".");
  }

  /** While nothing is edited, the editor shows a runbook this alert rendered, not merely the first file. */
  function followRenderedRunbook(alerts) {
    if ([...files.values()].some((file) => file.text !== file.original)) return;
    const names = alerts.flatMap((alert) => alert.runbooks.map((runbook) => runbook.name + ".sbn")).filter((name) => files.has(name));
    if (names.length && !names.includes(current)) openFile(names[0]);
  }

  function clearResult() {
    ui.message.replaceChildren();
    ui.thread.replaceChildren();
    ui.threadSection.hidden = true;
    ui.messageText.textContent = "";
    ui.model.replaceChildren();
  }

  function setStatus(text) {
    ui.status.textContent = text;
  }

  function showWarning(text) {
    ui.problems.append(el("p", "warning", text));
  }

  function showProblems(problems) {
    ui.problems.replaceChildren();
    for (const problem of problems) {
      const box = el("div", "problem");
      box.setAttribute("role", "alert");
      box.append(el("strong", null, problem.file ? "Template problem: " : "Problem: "), document.createTextNode(problemLabel(problem)));
      if (problem.file && files.has(problem.file)) {
        const go = el("button", null, problem.line ? `Show line ${problem.line} of ${problem.file}` : `Open ${problem.file}`);
        go.type = "button";
        go.addEventListener("click", () => goToLine(problem.file, problem.line || 1, problem.column || 1));
        box.append(go);
      }
      ui.problems.append(box);
    }
  }

  // ---- Block Kit ----------------------------------------------------------------------------------------------------

  const namedColours = { good: "#2EB67D", warning: "#ECB22E", danger: "#E01E5A" };

  function renderMessage(blocks, attachments) {
    const message = el("article", "sk-message");
    const author = el("div", "sk-author", "AlertLinker");
    author.append(el("span", "sk-app", "APP"));
    message.append(author);
    for (const block of blocks || []) message.append(renderBlock(block));
    for (const attachment of attachments || []) {
      const box = el("div", "sk-attachment");
      const colour = namedColours[attachment.color] || attachment.color;
      if (typeof colour === "string" && /^#[0-9a-fA-F]{3,8}$/.test(colour)) box.style.borderLeftColor = colour;
      for (const block of attachment.blocks || []) box.append(renderBlock(block));
      message.append(box);
    }
    if (!(blocks && blocks.length) && !(attachments && attachments.length)) message.append(el("p", "sk-empty", "(no blocks)"));
    return message;
  }

  function renderBlock(block) {
    switch (block && block.type) {
      case "header": {
        const node = el("div", "sk-header");
        node.setAttribute("role", "heading");
        node.setAttribute("aria-level", "3");
        node.append(textObject(block.text));
        return node;
      }
      case "section": {
        const node = el("div", "sk-section");
        if (block.text) node.append(textObject(block.text));
        if (block.fields && block.fields.length) {
          const fields = el("div", "sk-fields");
          for (const field of block.fields) {
            const cell = el("div", "sk-field");
            cell.append(textObject(field));
            fields.append(cell);
          }
          node.append(fields);
        }
        if (block.accessory) node.append(renderElement(block.accessory));
        return node;
      }
      case "context": {
        const node = el("div", "sk-context");
        for (const element of block.elements || []) node.append(renderElement(element));
        return node;
      }
      case "divider":
        return el("hr", "sk-divider");
      case "actions": {
        const node = el("div", "sk-actions");
        for (const element of block.elements || []) node.append(renderElement(element));
        return node;
      }
      case "image":
        return renderImage(block);
      default:
        return el("div", "sk-unknown", `[a ${String(block && block.type)} block, not shown here]`);
    }
  }

  function renderElement(element) {
    if (!element) return document.createTextNode("");
    if (element.type === "mrkdwn" || element.type === "plain_text") return wrap(textObject(element));
    if (element.type === "image") {
      const image = safeImage(element.image_url, element.alt_text);
      return image || el("span", "sk-placeholder", `[image: ${element.alt_text || "no description"}]`);
    }
    if (element.type === "button") {
      const label = element.text ? element.text.text : "button";
      const url = safeUrl(element.url);
      const node = url ? el("a", "sk-button", label) : el("span", "sk-button", label);
      if (url) linkTo(node, url);
      if (element.style) node.classList.add(element.style === "primary" ? "primary" : "danger");
      return node;
    }
    return el("span", "sk-unknown", `[${String(element.type)}]`);
  }

  function wrap(fragment) {
    const span = el("span");
    span.append(fragment);
    return span;
  }

  /** An image block: a graph picture by URL, or a placeholder for a picture uploaded to Slack (slack_file). */
  function renderImage(block) {
    const figure = el("figure", "sk-image");
    const image = safeImage(block.image_url, block.alt_text);
    if (image) figure.append(image);
    else figure.append(el("div", "sk-placeholder", `Graph picture: ${block.alt_text || "an image"} (uploaded to Slack; not fetched here)`));
    const title = block.title && block.title.text;
    if (title) figure.append(el("figcaption", null, title));
    return figure;
  }

  function safeImage(url, alt) {
    const safe = safeUrl(url);
    if (!safe || safe.protocol === "mailto:") return null;
    const image = el("img");
    image.src = safe.href;
    image.alt = alt || "";
    image.referrerPolicy = "no-referrer";
    return image;
  }

  function safeUrl(text) {
    if (typeof text !== "string") return null;
    try {
      const url = new URL(text);
      return ["http:", "https:", "mailto:"].includes(url.protocol) ? url : null;
    } catch {
      return null;
    }
  }

  function linkTo(anchor, url) {
    anchor.href = url.href;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
  }

  function textObject(object) {
    const fragment = document.createDocumentFragment();
    if (!object || typeof object.text !== "string") return fragment;
    if (object.type === "mrkdwn") fragment.append(mrkdwn(object.text));
    else fragment.append(document.createTextNode(object.text));
    return fragment;
  }

  // ---- mrkdwn: Slack's formatting (https://docs.slack.dev/messaging/formatting-message-text) -------------------------

  /** Slack escapes only &, < and > in text; everything else is literal. */
  function decode(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function mrkdwn(text) {
    const fragment = document.createDocumentFragment();
    const parts = text.split(/```([\s\S]*?)```/);
    parts.forEach((part, index) => {
      if (index % 2 === 1) {
        const pre = el("pre");
        inline(part.replace(/^\n/, ""), pre, true);
        fragment.append(pre);
      } else {
        lines(part, fragment);
      }
    });
    return fragment;
  }

  function lines(text, parent) {
    const all = text.split("\n");
    let quote = null;
    all.forEach((line, index) => {
      const quoted = /^(&gt;|>) ?/.exec(line);
      if (quoted) {
        if (!quote) {
          quote = el("blockquote");
          parent.append(quote);
        } else {
          quote.append(document.createTextNode("\n"));
        }
        inline(line.slice(quoted[0].length), quote, false);
        return;
      }
      quote = null;
      inline(line, parent, false);
      if (index < all.length - 1) parent.append(document.createTextNode("\n"));
    });
  }

  const styles = { "*": "strong", _: "em", "~": "del" };
  const wordChar = /[\p{L}\p{N}]/u;

  /** Inline mrkdwn: <links|label>, `code`, *bold*, _italic_, ~strike~ (nested), into parent. */
  function inline(text, parent, preformatted) {
    let buffer = "";
    const flush = () => {
      if (buffer) parent.append(document.createTextNode(decode(buffer)));
      buffer = "";
    };
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === "<") {
        const end = text.indexOf(">", i + 1);
        if (end > i + 1) {
          flush();
          parent.append(angle(text.slice(i + 1, end)));
          i = end + 1;
          continue;
        }
      }
      if (!preformatted && c === "`") {
        const end = text.indexOf("`", i + 1);
        if (end > i + 1) {
          flush();
          parent.append(el("code", null, decode(text.slice(i + 1, end))));
          i = end + 1;
          continue;
        }
      }
      if (!preformatted && styles[c] && (i === 0 || !wordChar.test(text[i - 1]))) {
        const end = closing(text, i, c);
        if (end > 0) {
          flush();
          const node = el(styles[c]);
          inline(text.slice(i + 1, end), node, false);
          parent.append(node);
          i = end + 1;
          continue;
        }
      }
      buffer += c;
      i++;
    }
    flush();
  }

  /** Where the marker opened at start closes on the same line: not after a space, not before a letter. */
  function closing(text, start, marker) {
    if (start + 1 >= text.length || /\s/.test(text[start + 1])) return -1;
    for (let j = start + 2; j < text.length; j++) {
      if (text[j] === "\n") return -1;
      if (text[j] === marker && !/\s/.test(text[j - 1]) && (j + 1 >= text.length || !wordChar.test(text[j + 1]))) return j;
    }
    return -1;
  }

  /** <url|label>, <url>, <@U…>, <#C…|name>, <!here>. */
  function angle(inner) {
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : null;
    if (target.startsWith("@") || target.startsWith("#") || target.startsWith("!")) {
      const shown = label ? (target[0] === "#" ? "#" : "@") + label : target[0] === "!" ? "@" + target.slice(1).split("^")[0] : target;
      return el("span", "sk-mention", decode(shown));
    }
    const url = safeUrl(decode(target));
    if (!url) return document.createTextNode(decode(label || target));
    const anchor = el("a");
    linkTo(anchor, url);
    if (label) inline(label, anchor, false);
    else anchor.textContent = decode(target);
    return anchor;
  }

  // ---- the text alternative -----------------------------------------------------------------------------------------

  function textAlternative(slack) {
    const out = [`Notification text: ${slack.text}`, ""];
    out.push(...blocksText(slack.blocks));
    for (const attachment of slack.attachments || []) out.push(...blocksText(attachment.blocks));
    (slack.thread || []).forEach((reply, index) => {
      out.push("", `Thread reply ${index + 1}:`);
      out.push(...blocksText(reply.blocks));
    });
    return out.join("\n");
  }

  function blocksText(blocks) {
    const out = [];
    for (const block of blocks || []) {
      if (block.type === "divider") out.push("———");
      else if (block.type === "image") out.push(`[Image: ${block.alt_text || block.title?.text || "no description"}]`);
      else out.push(renderBlock(block).textContent);
    }
    return out;
  }

  // ---- the model tree -----------------------------------------------------------------------------------------------

  function renderModel(alerts) {
    ui.model.replaceChildren();
    alerts.forEach((alert, index) => {
      const name = alert.model && alert.model.alert && alert.model.alert.name;
      ui.model.append(tree(`alert ${index + 1}${name ? ` — ${name}` : ""}`, alert.model, true));
    });
    if (!alerts.length) ui.model.append(el("p", "help", "No alerts in this body."));
  }

  function tree(key, value, open) {
    if (value !== null && typeof value === "object") {
      const details = el("details");
      details.open = open;
      const summary = el("summary");
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
      summary.append(el("span", "key", key), el("span", "count", Array.isArray(value) ? ` [${entries.length}]` : ` {${entries.length}}`));
      details.append(summary);
      const list = el("ul");
      for (const [childKey, child] of entries) {
        const item = el("li");
        item.append(tree(childKey, child, false));
        list.append(item);
      }
      details.append(list);
      return details;
    }
    const leaf = el("span");
    const kind = value === null ? "null" : typeof value;
    leaf.append(el("span", "key", key), document.createTextNode(": "),
      el("span", kind, value === null ? "null" : kind === "string" ? JSON.stringify(value) : String(value)));
    return leaf;
  }

  // ---- events ---------------------------------------------------------------------------------------------------------

  function download() {
    if (!current) return;
    files.get(current).text = ui.editor.value;
    const blob = new Blob([ui.editor.value], { type: "text/plain;charset=utf-8" });
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = current;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    setStatus(`Downloaded ${current}. Put it in your runbook folder and run the templates check command.`);
  }

  function wireEvents() {
    ui.render.addEventListener("click", render);
    ui.sample.addEventListener("change", () => {
      if (ui.sample.value) {
        useSample(ui.sample.value);
        render();
      }
    });
    ui.body.addEventListener("input", () => {
      if (ui.sample.value) ui.sample.value = "";
    });
    ui.template.addEventListener("change", () => openFile(ui.template.value));
    ui.editor.addEventListener("input", () => {
      files.get(current).text = ui.editor.value;
      paintLines();
    });
    ui.editor.addEventListener("scroll", syncScroll);
    ui.revert.addEventListener("click", () => {
      if (!current) return;
      files.get(current).text = files.get(current).original;
      ui.editor.value = files.get(current).original;
      paintLines();
      fillTemplateList();
    });
    ui.download.addEventListener("click", download);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        render();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
