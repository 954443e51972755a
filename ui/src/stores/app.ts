import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SchoolSetupInput } from '@/bindings/SchoolSetupInput'
import * as platform from '@/platform'

/** The app's own state: is there a school yet. */
export const useAppStore = defineStore('app', () => {
  const firstStart = ref<boolean | null>(null)

  async function load() {
    firstStart.value = (await platform.appStatus()).firstStart
    return firstStart.value
  }

  async function createDemo() {
    await platform.schoolDemoCreate()
    firstStart.value = false
  }

  async function setUpSchool(input: SchoolSetupInput) {
    await platform.schoolSetup(input)
    firstStart.value = false
  }

  return { firstStart, load, createDemo, setUpSchool }
})
