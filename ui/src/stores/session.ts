import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Remembered } from '@/bindings/Remembered'
import type { SessionUser } from '@/bindings/SessionUser'
import * as platform from '@/platform'

/** Who is signed in, and signing in and out. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null)
  const remembered = ref<Remembered>('no')
  const signedIn = computed(() => user.value !== null)

  async function signIn(username: string, password: string, remember: boolean) {
    const outcome = await platform.sessionSignIn({ username: username.trim(), password, remember })
    user.value = outcome.user
    remembered.value = outcome.remembered
    return outcome
  }

  /** Signs in with the remembered session; false when there is none. */
  async function resume() {
    user.value = await platform.sessionResume()
    return user.value !== null
  }

  async function signOut() {
    await platform.sessionSignOut()
    user.value = null
    remembered.value = 'no'
  }

  return { user, remembered, signedIn, signIn, resume, signOut }
})
