// A page framed by another site may be refused its storage (third-party
// cookies blocked: Chromium then throws on any touch of localStorage, and
// libraries read it as they load). A classic script, so it runs before the
// app's modules: it keeps what would have been stored in memory while the page
// is open. The session cookie is partitioned and not affected.
(function (w) {
  try {
    void w.localStorage.length;
    return;
  } catch {
    // replaced below
  }
  var items = new Map();
  var memory = {
    get length() {
      return items.size;
    },
    key: function (i) {
      var keys = Array.from(items.keys());
      return i < keys.length ? keys[i] : null;
    },
    getItem: function (k) {
      return items.has(String(k)) ? items.get(String(k)) : null;
    },
    setItem: function (k, v) {
      items.set(String(k), String(v));
    },
    removeItem: function (k) {
      items.delete(String(k));
    },
    clear: function () {
      items.clear();
    },
  };
  Object.defineProperty(w, 'localStorage', { configurable: true, value: memory });
})(window);
