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

  /** A graduate's first sign-in (R-INFO-03): the ID number's x is the engine's X too. */
  async function activate(studentNumber: string, idNumber: string, password: string, remember: boolean) {
    const outcome = await platform.sessionActivate({
      studentNumber: studentNumber.trim(),
      idNumber: idNumber.trim().toUpperCase(),
      password,
      remember,
    })
    user.value = outcome.user
    remembered.value = outcome.remembered
    return outcome
  }

  /** Changes the password; the desktop keeps the new session, so the user stays signed in. */
  async function changePassword(currentPassword: string, newPassword: string) {
    const outcome = await platform.sessionChangePassword({ currentPassword, newPassword })
    user.value = outcome.user
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

  /** Forgets the signed-in user here (the desktop already ended the session: a switch of school). */
  function forget() {
    user.value = null
    remembered.value = 'no'
  }

  return { user, remembered, signedIn, signIn, activate, changePassword, resume, signOut, forget }
})
