// First, so that Nextcloud's components, loading with App, know the language.
import { startI18n } from './i18n';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router';
import './styles/tokens.css';

// The language is known, and its words are in, before the first word is drawn.
void startI18n().then(() => {
  const pinia = createPinia();
  createApp(App).use(pinia).use(createAppRouter(pinia)).mount('#app');
});
