// Display board: poll the board JSON every 2 s, redraw without reloading, and speak each NEW call once
// in Chinese with the browser's speech synthesis ("请B023号到5号窗口办理"): the hall speaks its own language
// whatever the page's. What the board shows comes from the page in the page's language (data-text-* on #board).
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var api = root.dataset.api;
  function text(key, fallback) { return root.dataset[key] || fallback; }
  // the board JSON is the same for every language (published once per move): names in English are picked here
  var english = /^en/i.test(document.documentElement.lang || "");
  var interval = parseInt(root.dataset.interval || "2000", 10);
  var seen = null; // event ids already announced; null until the first poll (the backlog is not spoken)
  var voiceOn = window.localStorage && window.localStorage.getItem("hall-board-voice") === "1";
  var voiceBtn = document.getElementById("board-voice");
  var queue = [];
  var speaking = false;

  function setVoice(on) {
    voiceOn = on;
    if (window.localStorage) window.localStorage.setItem("hall-board-voice", on ? "1" : "0");
    if (voiceBtn) {
      voiceBtn.setAttribute("aria-pressed", on ? "true" : "false");
      voiceBtn.textContent = on ? text("textVoiceOn", "语音播报：开") : text("textVoiceOff", "开启语音播报");
    }
  }
  if (voiceBtn) {
    setVoice(voiceOn);
    voiceBtn.addEventListener("click", function () {
      setVoice(!voiceOn);
      if (voiceOn) say("语音播报已开启");
    });
  }

  function announce(text) {
    root.dataset.lastAnnouncement = text;
    var log = window.hallBoardAnnouncements || (window.hallBoardAnnouncements = []);
    log.push(text);
    queue.push(text);
    pump();
  }

  function say(text) {
    if (!("speechSynthesis" in window)) return null;
    var u = new window.SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = 0.9;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^zh/i.test(voices[i].lang)) { u.voice = voices[i]; break; }
    }
    window.speechSynthesis.speak(u);
    return u;
  }

  function pump() {
    if (speaking || !queue.length) return;
    var text = queue.shift();
    if (!voiceOn || !("speechSynthesis" in window)) { pump(); return; }
    speaking = true;
    // digits one by one ("B 0 2 3"), said twice, as halls do
    var spoken = text.replace(/([A-Z])(\d+)/, function (m, p, d) { return p + " " + d.split("").join(" "); });
    var u = say(spoken + "，" + spoken);
    var done = function () { speaking = false; window.setTimeout(pump, 400); };
    if (!u) { done(); return; }
    u.onend = done;
    u.onerror = done;
    window.setTimeout(function () { if (speaking) done(); }, 12000);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function render(data) {
    var clock = document.getElementById("board-clock");
    if (clock) clock.textContent = data.now;
    var now = document.getElementById("board-now");
    var current = data.calls.filter(function (c) { return c.current; });
    now.replaceChildren();
    if (!current.length) now.appendChild(el("p", "board-empty", text("textEmpty", "请留意叫号")));
    current.slice(0, 4).forEach(function (c) {
      var row = el("div", "board-call");
      row.appendChild(el("span", "num", c.number));
      row.appendChild(el("span", "arrow", "→"));
      row.appendChild(el("span", "ctr", c.counter + text("textCounter", "号窗口")));
      now.appendChild(row);
    });
    var recent = document.getElementById("board-recent");
    recent.replaceChildren();
    data.calls.forEach(function (c) {
      var tr = el("tr");
      tr.appendChild(el("td", "", c.number));
      tr.appendChild(el("td", "", c.counter));
      tr.appendChild(el("td", "", c.time));
      recent.appendChild(tr);
    });
    var waiting = document.getElementById("board-waiting");
    waiting.replaceChildren();
    data.categories.forEach(function (c) {
      var li = el("li");
      li.dataset.category = c.code;
      li.appendChild(el("span", "pfx", c.prefix));
      li.appendChild(el("span", "nm", (english && c.name_en) || c.name));
      li.appendChild(el("span", "n", c.waiting));
      waiting.appendChild(li);
    });
    var fresh = [];
    if (seen === null) {
      seen = {};
      data.calls.forEach(function (c) { seen[c.event_id] = true; });
    } else {
      data.calls.forEach(function (c) {
        if (!seen[c.event_id]) { seen[c.event_id] = true; fresh.push(c); }
      });
    }
    fresh.reverse().forEach(function (c) {
      announce("请" + c.number + "号到" + c.counter + "号窗口办理");
    });
    root.dataset.updated = String(Date.now());
  }

  function poll() {
    fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* network hiccup: try again next tick */ })
      .finally(function () { window.setTimeout(poll, interval); });
  }
  // With Redis the server pushes each change (Server-Sent Events); without it, or when the stream fails, poll.
  var stream = root.dataset.stream;
  if (stream && window.EventSource) {
    var source = new EventSource(stream);
    var polling = false;
    source.onmessage = function (e) { render(JSON.parse(e.data)); };
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED && !polling) { polling = true; poll(); }
    };
    fetch(api, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(render);
  } else {
    poll();
  }
})();
