import { defineStore } from 'pinia'
import { ref } from 'vue'

/**
 * The connection to the school's server, as the window sees it: lost while a request could not
 * get through (or the desktop's message stream says so), back at the first answer. The banner
 * shows it; the submissions waiting for it are tried again with their idempotency key, so a
 * form stays as the person filled it and nothing is applied twice (R-IDEM-01).
 */
export const useConnectionStore = defineStore('connection', () => {
  const lost = ref(false)
  let wakers: (() => void)[] = []

  function markLost() {
    lost.value = true
  }

  function markOk() {
    lost.value = false
    retryNow()
  }

  /** Ends the pause of every waiting submission: they are tried again at once. */
  function retryNow() {
    const woken = wakers
    wakers = []
    for (const wake of woken) wake()
  }

  /** A pause of `ms`, cut short by `retryNow` (the banner's button, or the connection back). */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wakers = wakers.filter((w) => w !== done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      wakers.push(done)
    })
  }

  return { lost, markLost, markOk, retryNow, pause }
})
