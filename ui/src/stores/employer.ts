import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EmployerProfileView } from '@/bindings/EmployerProfileView'
import type { WorkItem } from '@/bindings/WorkItem'
import type { WorkspaceReference } from '@/bindings/WorkspaceReference'
import * as employer from '@/platform/employer'
import * as reviewer from '@/platform/reviewer'

/** The signed-in employer's profile, its invitations and agreements, and the forms' lists. */
export const useEmployerStore = defineStore('employer', () => {
  const profile = ref<EmployerProfileView | null>(null)
  const items = ref<WorkItem[]>([])
  const reference = ref<WorkspaceReference | null>(null)
  const approved = computed(() => profile.value?.approved === true)

  async function loadProfile() {
    profile.value = await employer.profile()
    return profile.value
  }

  async function loadItems() {
    items.value = await employer.items()
    return items.value
  }

  async function loadReference() {
    reference.value ??= await reviewer.reference()
    return reference.value
  }

  /** Invitations and agreements first; termination requests are shown inside their agreement. */
  const agreements = computed(() => items.value.filter((i) => i.kind === 'signing'))

  return { profile, items, reference, approved, agreements, loadProfile, loadItems, loadReference }
})
