/* The replay page: chapter links that play, deep links (#t=…), the current chapter, lock screens.
 * Without this script the page still works: each chapter links to audio#t=SECONDS. */
(function () {
  "use strict";

  var audio = document.getElementById("player");
  var dataElement = document.getElementById("episode-data");
  if (!audio || !dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);
  var items = Array.prototype.slice.call(document.querySelectorAll("li.chapter"));
  var status = document.getElementById("status");
  var chapters = items.map(function (item) {
    var end = item.getAttribute("data-end");
    return { item: item, link: item.querySelector(".chapter-link"),
             start: parseFloat(item.getAttribute("data-start")),
             end: end === "" ? Infinity : parseFloat(end) };
  });

  /* A time as media fragments and people write it: 3817, 3817.5, 1:03:37, 63:37, 1h03m37s, npt:… */
  function parseTime(text) {
    if (text === undefined || text === null) { return null; }
    text = String(text).trim().replace(/^npt:/, "");
    var match;
    if ((match = /^(\d+(?:\.\d+)?)s?$/.exec(text))) { return parseFloat(match[1]); }
    if ((match = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text))) {
      return (parseInt(match[1] || "0", 10) * 60 + parseInt(match[2], 10)) * 60 + parseFloat(match[3]);
    }
    if ((match = /^(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+(?:\.\d+)?)s)?$/i.exec(text)) && text !== "") {
      return (parseInt(match[1] || "0", 10) * 60 + parseInt(match[2] || "0", 10)) * 60 +
        parseFloat(match[3] || "0");
    }
    return null;
  }

  /* The W3C media fragment of the URL: #t=START, #t=START,END, #t=,END (other keys ignored). */
  function parseFragment(hash) {
    var fields = hash.replace(/^#/, "").split("&");
    for (var i = 0; i < fields.length; i++) {
      var pair = fields[i].split("=");
      if (pair[0] !== "t" || pair.length !== 2) { continue; }
      var value = decodeURIComponent(pair[1]);
      var range = value.split(",");
      var start = range[0] === "" ? 0 : parseTime(range[0]);
      var end = range.length > 1 ? parseTime(range[1]) : null;
      if (start === null || range.length > 2) { return null; }
      return { start: start, end: end !== null && end > start ? end : null };
    }
    return null;
  }

  var stopAt = null;

  function playFrom(seconds, end) {
    stopAt = end === undefined ? null : end;
    function seek() {
      audio.currentTime = seconds;
      var playing = audio.play();
      if (playing && playing.catch) {
        /* Browsers may refuse to start sound before a click: the position is set all the same. */
        playing.catch(function () { showCurrent(); });
      }
      showCurrent();
    }
    if (audio.readyState >= 1) { seek(); } else {
      audio.addEventListener("loadedmetadata", seek, { once: true });
      if (audio.preload === "none") { audio.load(); }
    }
  }

  var current = -1;

  function showCurrent() {
    var time = audio.currentTime;
    var found = -1;
    for (var i = 0; i < chapters.length; i++) {
      if (chapters[i].start <= time + 0.001 && time < chapters[i].end) { found = i; }
    }
    if (found === current) { return; }
    if (current >= 0) {
      chapters[current].item.classList.remove("current");
      chapters[current].link.removeAttribute("aria-current");
    }
    current = found;
    if (found >= 0) {
      chapters[found].item.classList.add("current");
      chapters[found].link.setAttribute("aria-current", "true");
    }
  }

  function say(text) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function momentUrl(start) {
    var base = data.pageUrl || window.location.href.split("#")[0];
    return base + "#t=" + start;
  }

  function copyLink(button) {
    var url = momentUrl(button.getAttribute("data-start"));
    function fallback() { say(data.strings.copyThis + " " + url); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say(data.strings.copied); }, fallback);
    } else { fallback(); }
  }

  chapters.forEach(function (chapter) {
    chapter.link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      playFrom(chapter.start);
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.copy-link"), function (button) {
    button.addEventListener("click", function () { copyLink(button); });
  });

  audio.addEventListener("timeupdate", function () {
    if (stopAt !== null && audio.currentTime >= stopAt) { audio.pause(); stopAt = null; }
    showCurrent();
  });
  audio.addEventListener("seeked", showCurrent);

  function followHash() {
    var hash = window.location.hash;
    var fragment = parseFragment(hash);
    if (fragment) { playFrom(fragment.start, fragment.end); return; }
    var anchor = /^#[a-z]+-(\d+)$/.exec(hash);
    if (anchor && document.getElementById(hash.slice(1))) {
      var chapter = chapters[parseInt(anchor[1], 10) - 1];
      if (chapter) { playFrom(chapter.start); }
    }
  }
  window.addEventListener("hashchange", followHash);
  followHash();

  /* The chapters track is loaded over http(s) only: from file:// browsers refuse to read it. */
  var track = audio.querySelector("track");
  if (track && track.track && /^https?:$/.test(window.location.protocol)) { track.track.mode = "hidden"; }

  if ("mediaSession" in navigator && typeof window.MediaMetadata === "function") {
    var artwork = data.artwork ? [{ src: data.artwork }] : [];
    var metadata = { title: data.title, artist: data.artist || "", album: data.album || "", artwork: artwork };
    metadata.chapterInfo = data.chapters.map(function (chapter) {
      return { title: chapter.title, startTime: chapter.start,
               artwork: chapter.image ? [{ src: chapter.image }] : artwork };
    });
    try { navigator.mediaSession.metadata = new window.MediaMetadata(metadata); } catch (error) {
      delete metadata.chapterInfo;
      navigator.mediaSession.metadata = new window.MediaMetadata(metadata);
    }
    var actions = {
      previoustrack: function () {
        var index = current > 0 && audio.currentTime - chapters[current].start < 3 ? current - 1 : current;
        if (index >= 0) { playFrom(chapters[index].start); }
      },
      nexttrack: function () { if (current + 1 < chapters.length) { playFrom(chapters[current + 1].start); } },
      seekto: function (details) { audio.currentTime = details.seekTime; }
    };
    Object.keys(actions).forEach(function (name) {
      try { navigator.mediaSession.setActionHandler(name, actions[name]); } catch (error) { /* unsupported */ }
    });
  }

  window.podcastPage = { parseTime: parseTime, parseFragment: parseFragment, playFrom: playFrom };
})();
