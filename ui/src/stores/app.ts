import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DemoAccountView } from '@/bindings/DemoAccountView'
import type { SchoolSetupInput } from '@/bindings/SchoolSetupInput'
import * as platform from '@/platform'

/** The app's own state: is there a school yet. */
export const useAppStore = defineStore('app', () => {
  const firstStart = ref<boolean | null>(null)
  /** The demo school's accounts, shown on the sign-in screen right after it is made. */
  const demoAccounts = ref<DemoAccountView[]>([])

  async function load() {
    firstStart.value = (await platform.appStatus()).firstStart
    return firstStart.value
  }

  async function createDemo() {
    demoAccounts.value = await platform.schoolDemoCreate()
    firstStart.value = false
  }

  async function setUpSchool(input: SchoolSetupInput) {
    await platform.schoolSetup(input)
    firstStart.value = false
  }

  return { firstStart, demoAccounts, load, createDemo, setUpSchool }
})
