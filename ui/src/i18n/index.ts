import { createI18n } from 'vue-i18n'
import * as about from './about'
import * as admin from './admin'
import en from './en'
import * as employer from './employer'
import * as graduate from './graduate'
import * as reviewer from './reviewer'
import zhCN from './zh-CN'

export type Locale = 'zh-CN' | 'en'

/** localStorage key of the chosen language (remembered across restarts). */
export const LOCALE_KEY = 'gradsign.locale'

/** The remembered language, Chinese unless English was chosen. */
export function savedLocale(storage: Pick<Storage, 'getItem'> = localStorage): Locale {
  return storage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN'
}

export function saveLocale(locale: Locale, storage: Pick<Storage, 'setItem'> = localStorage) {
  storage.setItem(LOCALE_KEY, locale)
}

export function createAppI18n(locale: Locale = savedLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: {
      'zh-CN': { ...zhCN, graduate: graduate.zh, employer: employer.zh, reviewer: reviewer.zh, admin: admin.zh, about: about.zh },
      en: { ...en, graduate: graduate.en, employer: employer.en, reviewer: reviewer.en, admin: admin.en, about: about.en },
    },
  })
}
