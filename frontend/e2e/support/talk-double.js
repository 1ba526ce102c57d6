// Talk, as far as other apps see it: window.OCA.Talk's two hooks as spreed's
// src/init.js defines them (each copies label, callback, icon — and show for
// the participant search — into a new object in its integrations store), and
// the two places Talk uses them: the participant search (ParticipantSearchResults:
// it lists the actions whose show(searchText) is true and, on a click, calls
// callback(searchText) and adds the participant the promise resolves to) and
// a message's menu (MessageButtonsBar: every message action, called with
// { message, metadata, apiVersion: 'v3' }).
;(function () {
  'use strict'
  const participantSearchActions = []
  const messageActions = []
  const added = []
  window.OCA = window.OCA || {}
  window.OCA.Talk = window.OCA.Talk || {}
  window.OCA.Talk.registerMessageAction = function ({ label, callback, icon }) {
    messageActions.push({ label, callback, icon })
    render()
  }
  window.OCA.Talk.registerParticipantSearchAction = function ({ label, callback, show, icon }) {
    participantSearchActions.push({ label, callback, show, icon })
    render()
  }

  const message = { id: 7, message: 'Call me on +49 30 1234567 after lunch', actorDisplayName: 'Alice' }
  const conversation = { token: 'abc123', displayName: 'Team' }
  let searchText = ''

  function button(action, onClick) {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = action.icon
    b.textContent = action.label
    b.addEventListener('click', onClick)
    return b
  }

  function render() {
    const results = document.getElementById('talk-search-integrations')
    const menu = document.getElementById('talk-message-actions')
    if (!results || !menu) return
    results.replaceChildren(...participantSearchActions.filter((a) => a.show(searchText)).map((a) => {
      const li = document.createElement('li')
      li.append(button(a, () => a.callback(searchText).then((participant) => added.push(participant))))
      return li
    }))
    menu.replaceChildren(...messageActions.map((a) => {
      const li = document.createElement('li')
      li.append(button(a, () => a.callback({ message, metadata: conversation, apiVersion: 'v3' })))
      return li
    }))
  }

  document.addEventListener('DOMContentLoaded', function () {
    const root = document.getElementById('app-content')
    root.innerHTML = '<section aria-label="Add participants"><label>Search participants <input id="talk-search" autocomplete="off"></label>'
      + '<ul id="talk-search-integrations" aria-label="Other ways to add"></ul></section>'
      + '<section aria-label="Chat"><p id="talk-message"></p><ul id="talk-message-actions" aria-label="Message actions"></ul></section>'
    document.getElementById('talk-message').textContent = message.actorDisplayName + ': ' + message.message
    document.getElementById('talk-search').addEventListener('input', function (e) {
      searchText = e.target.value
      render()
    })
    render()
  })
  window.__talkAdded = added
})()
