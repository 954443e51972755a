import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppI18n, savedLocale } from './i18n'
import { createAppRouter } from './router'
import './styles.css'

document.documentElement.lang = savedLocale()
createApp(App).use(createPinia()).use(createAppI18n()).use(createAppRouter()).use(ElementPlus).mount('#app')
