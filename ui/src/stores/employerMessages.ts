import { defineStore } from 'pinia'
import { messageList } from './messageList'

/**
 * The employer's messages: invitations answered, agreements reviewed, termination requests
 * received (R-NOTE-01). Refreshed when the employer's screens open and whenever the desktop says
 * messages came.
 */
export const useEmployerMessagesStore = defineStore('employerMessages', () => {
  const list = messageList()
  function reset() {
    list.messages.value = []
  }
  return { ...list, reset }
})
