// /inspect: a chat on one side, each turn of the conversation on the other, live.
"use strict";

(() => {
  const { el, Chat, getJson, withToken, newId, params } = dialogWeb;
  const list = document.getElementById("conversations");
  const turnsPane = document.getElementById("turns");
  const banner = document.getElementById("reload");
  const exportLink = document.getElementById("export");
  let sender = params.get("sender_id") || newId("inspect-");
  let refreshing = null;
  const SHOWN_TURNS = 50;

  const chat = new Chat(document.getElementById("chat"), { sender: sender, onTurn: () => refresh() });

  function open(id) {
    sender = id;
    chat.sender = id;
    const url = new URL(window.location.href);
    url.searchParams.set("sender_id", id);
    window.history.replaceState(null, "", url);
    exportLink.href = withToken("/inspect/api/conversations/" + encodeURIComponent(id) + "/export");
    chat.clear();
    turnsPane.replaceChildren(el("p", { class: "muted" }, "No turns yet: say something."));
    refresh(true);
  }

  async function loadList() {
    const data = await getJson("/inspect/api/conversations");
    const ids = data.conversations.includes(sender) ? data.conversations : [sender, ...data.conversations];
    list.replaceChildren(...ids.map((id) => el("option", { value: id, selected: id === sender }, id)));
  }

  async function refresh(redrawChat) {
    if (refreshing) return refreshing;
    refreshing = (async () => {
      try {
        const view = await getJson("/inspect/api/conversations/" + encodeURIComponent(sender) + "?last=" + SHOWN_TURNS);
        if (redrawChat) drawChat(view);
        drawTurns(view);
        if (![...list.options].some((o) => o.value === sender)) await loadList();
      } catch (error) {
        turnsPane.replaceChildren(el("p", { class: "msg error" }, String(error.message || error)));
      } finally { refreshing = null; }
    })();
    return refreshing;
  }

  function drawChat(view) {
    chat.clear();
    for (const turn of view.turns) {
      if (turn.user) chat.show({ from: "user", text: turn.user.text }, false);
      for (const reply of turn.replies) {
        chat.show({ from: "bot", text: reply.text, image: reply.image, buttons: reply.buttons,
          llm: Boolean(reply.metadata && reply.metadata.llm) }, false);
      }
    }
  }

  function drawTurns(view) {
    const cards = view.turns.filter((t) => t.user).map(turnCard).reverse();
    if (view.turn_count > view.turns.length) {
      cards.push(el("p", { class: "muted" }, "The last " + view.turns.length + " of " + view.turn_count + " turns; export the conversation for all of them."));
    }
    turnsPane.replaceChildren(...(cards.length ? cards : [el("p", { class: "muted" }, "No turns yet: say something.")]));
  }

  function section(title, ...content) {
    return el("div", { class: "part" }, el("h3", {}, title), ...content);
  }

  function wide(part) { part.classList.add("wide"); return part; }

  function details(title, ...content) {
    return el("details", { class: "part" }, el("summary", {}, title), ...content);
  }

  function turnCard(turn) {
    const parse = turn.user.parse || {};
    const intent = parse.intent || {};
    const card = el("article", { class: "turn", "data-turn": turn.number },
      el("header", {},
        el("span", { class: "num" }, "#" + turn.number),
        el("q", { class: "said" }, turn.user.text),
        turn.user.channel ? el("span", { class: "chip" }, turn.user.channel) : null,
        el("span", { class: "intent" }, (intent.name || "no intent") + " " + fmt(intent.confidence))));
    card.append(section("Intent ranking", ranking(parse.intent_ranking || [])));
    if ((parse.entities || []).length) card.append(section("Entities", entityTable(parse.entities)));
    card.append(wide(section("Decisions", decisionList(turn.decisions))));
    if (turn.replies.length) {
      card.append(section("Replies", el("ul", { class: "replies" }, turn.replies.map((r) =>
        el("li", {}, r.response ? el("code", {}, r.response) : el("span", { class: "chip" }, r.metadata && r.metadata.llm ? "LLM" : "text"),
          " ", r.text, sources(r.metadata))))));
    }
    card.append(section("Flow stack", stack(turn)));
    card.append(section("Slots", slotTable(turn.slots, turn.changed_slots, turn.slots_set || {})));
    if (turn.trace) card.append(section("Latency", latency(turn.trace.timings)));
    if (turn.llm) card.append(llmPart(turn));
    card.append(details("Events (" + turn.events.length + ")", el("pre", { class: "json" }, JSON.stringify(turn.events, null, 2))));
    return card;
  }

  function fmt(value) { return typeof value === "number" ? value.toFixed(2) : ""; }

  function ranking(items) {
    return el("ol", { class: "ranking" }, items.slice(0, 5).map((item) =>
      el("li", {}, el("span", { class: "name" }, item.name),
        bar(item.confidence),
        el("span", { class: "score" }, fmt(item.confidence)))));
  }

  function entityTable(entities) {
    return el("table", {}, el("tr", {}, el("th", {}, "entity"), el("th", {}, "value"), el("th", {}, "found by")),
      entities.map((e) => el("tr", {}, el("td", {}, e.entity), el("td", {}, JSON.stringify(e.value)), el("td", {}, e.extractor || ""))));
  }

  function decisionList(decisions) {
    if (!decisions.length) return el("p", { class: "muted" }, "nothing to decide");
    return el("ul", { class: "decisions" }, decisions.map((d) =>
      el("li", {}, el("span", { class: "kind kind-" + d.kind }, d.kind), " ", el("strong", {}, d.what),
        d.why ? el("span", { class: "why" }, " — " + d.why) : null)));
  }

  function stack(turn) {
    if (!turn.flow_stack.length) return el("p", { class: "muted" }, "(empty)");
    return el("ol", { class: "stack" }, turn.flow_stack.slice().reverse().map((f) =>
      el("li", {}, el("code", {}, f.flow_id), " ", el("span", { class: "chip" }, f.status),
        f.requested_slot ? " asks for " + f.requested_slot : "", f.step_id ? " at step " + f.step_id : "")));
  }

  function slotTable(slots, changed, set) {
    const names = Object.keys(slots);
    if (!names.length) return el("p", { class: "muted" }, "(no slots)");
    return el("table", { class: "slots" }, names.map((name) => {
      const now = JSON.stringify(slots[name]);
      const during = name in set ? JSON.stringify(set[name]) : now;
      return el("tr", { class: changed.includes(name) ? "changed" : null }, el("td", {}, name),
        el("td", {}, now, during !== now ? el("span", { class: "why" }, " (set to " + during + " this turn)") : null));
    }));
  }

  function latency(timings) {
    const total = timings.total_ms || 1;
    return el("table", { class: "latency" }, Object.entries(timings).map(([stage, ms]) =>
      el("tr", {}, el("td", {}, stage.replace(/_ms$/, "")), el("td", { class: "ms" }, ms.toFixed(1) + " ms"),
        el("td", {}, bar(ms / total)))));
  }

  function sources(metadata) {
    const found = metadata && (metadata.sources || metadata.passages || metadata.knowledge || metadata.retrieved);
    if (!found) return null;
    const items = Array.isArray(found) ? found : [found];
    return details("Retrieved passages (" + items.length + ")", el("pre", { class: "json" }, JSON.stringify(items, null, 2)));
  }

  function llmPart(turn) {
    const part = section("LLM", el("p", {}, turn.llm.outcome + " · " + (turn.llm.model || "") + " · " + turn.llm.latency_ms + " ms · " +
      turn.llm.prompt_tokens + " prompt / " + turn.llm.completion_tokens + " completion tokens"));
    const prompt = turn.trace && turn.trace.llm_prompt;
    if (prompt && prompt.length) {
      part.append(details("Prompt (" + prompt.length + " messages)", el("div", { class: "prompt" }, prompt.map((m) =>
        el("div", { class: "prompt-msg" }, el("span", { class: "chip" }, m.role), el("pre", {}, m.content))))));
    } else {
      part.append(el("p", { class: "muted" }, "prompt kept only for turns this server process answered"));
    }
    return part;
  }

  // Widths go through the CSSOM: the Content-Security-Policy allows no inline style attributes.
  function bar(fraction) {
    const fill = el("span", { class: "fill" });
    fill.style.width = Math.max(0, Math.min(1, Number(fraction) || 0)) * 100 + "%";
    return el("span", { class: "meter" }, fill);
  }

  function showReload(status) {
    if (!status || status.state === "watching" || status.state === "starting") { banner.hidden = true; return; }
    banner.hidden = false;
    banner.className = "reload " + status.state;
    const text = { reloading: "Reloading: " + (status.changed || []).join(", ") + " changed…",
      ready: "Reloaded (" + (status.changed || []).join(", ") + ") in " + status.seconds + " s",
      failed: "Reload failed; still serving the previous bot:" }[status.state] || status.state;
    banner.replaceChildren(el("div", {}, text), ...(status.errors || []).map((e) => el("pre", {}, e)));
  }

  function live() {
    const source = new EventSource(withToken("/inspect/api/live"));
    source.addEventListener("turn", (e) => {
      const notice = JSON.parse(e.data);
      if (notice.sender_id === sender) refresh(!chat.busy);
      else if (![...list.options].some((o) => o.value === notice.sender_id)) loadList();
    });
    source.addEventListener("reload", (e) => showReload(JSON.parse(e.data)));
    // The server ends each stream after a few seconds; catch up on what came between.
    let opened = false;
    source.addEventListener("hello", () => {
      if (opened && !chat.busy) { refresh(true); getJson("/inspect/api/status").then((s) => showReload(s.reload)).catch(() => {}); }
      opened = true;
    });
  }

  list.addEventListener("change", () => open(list.value));
  document.getElementById("new").addEventListener("click", () => open(newId("inspect-")));

  (async () => {
    try {
      const status = await getJson("/inspect/api/status");
      document.getElementById("bot-name").textContent = status.bot.bot || "";
      showReload(status.reload);
      open(sender);
      await loadList();
      live();
    } catch (error) {
      turnsPane.replaceChildren(el("p", { class: "msg error" }, String(error.message || error)));
    }
  })();
})();
