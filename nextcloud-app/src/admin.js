// SPDX-License-Identifier: AGPL-3.0-or-later
// The admin form (templates/admin.php): save and test connection, through the
// app's routes, with Nextcloud's request token (the routes check CSRF).
(function () {
	'use strict'

	function start() {
		const root = document.getElementById('sipcall-admin')
		if (!root) {
			return
		}
		const form = document.getElementById('sipcall-admin-form')
		const message = document.getElementById('sipcall-admin-message')
		const secret = document.getElementById('sipcall-secret')

		function values() {
			const groups = form.elements.groups.value.split(',').map(function (g) { return g.trim() }).filter(function (g) { return g !== '' })
			return { url: form.elements.url.value.trim(), secret: secret.value, groups: groups }
		}

		function send(method, url, body) {
			return fetch(url, {
				method: method,
				credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', Accept: 'application/json', requesttoken: document.head.dataset.requesttoken || '' },
				body: JSON.stringify(body),
			}).then(function (response) {
				return response.json().catch(function () { return {} }).then(function (data) {
					return { ok: response.ok, data: data }
				})
			})
		}

		function say(text) {
			message.textContent = text
		}

		form.addEventListener('submit', function (event) {
			event.preventDefault()
			say('…')
			send('PUT', root.dataset.saveUrl, values()).then(function (result) {
				if (result.ok) {
					secret.value = ''
					secret.placeholder = result.data.secretSet ? 'Saved; type a new one to replace it' : 'At least 32 characters'
					say('Saved')
				} else {
					say(result.data.message || 'Not saved')
				}
			}, function () { say('Not saved: Nextcloud did not answer') })
		})

		document.getElementById('sipcall-test').addEventListener('click', function () {
			say('…')
			send('POST', root.dataset.testUrl, { url: values().url }).then(function (result) {
				say(result.data.message || (result.ok ? 'Done' : 'The test failed'))
			}, function () { say('The test failed: Nextcloud did not answer') })
		})
	}

	if (document.readyState === 'loading') {
		document.addEventListener('DOMContentLoaded', start)
	} else {
		start()
	}
})()
