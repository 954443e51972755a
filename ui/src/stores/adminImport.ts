import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CommandError } from '@/bindings/CommandError'
import type { ImportOutcome } from '@/bindings/ImportOutcome'
import type { ImportPreview } from '@/bindings/ImportPreview'
import type { ImportProblemView } from '@/bindings/ImportProblemView'
import { asCommandError } from '@/errors'
import * as platform from '@/platform/admin'
import { toBase64 } from '@/views/admin/forms'

/** Where the import is: read → check → import → done (the progress bar follows it). */
export type ImportStep = 'idle' | 'read' | 'check' | 'checked' | 'import' | 'done'

const PERCENT: Record<ImportStep, number> = { idle: 0, read: 15, check: 40, checked: 50, import: 80, done: 100 }

/** The problems a refused import carries in `details.rows` (R-IMPORT-01: every bad row). */
export function problemsOf(e: CommandError): ImportProblemView[] {
  const rows = (e.details as { rows?: unknown } | null)?.rows
  if (!Array.isArray(rows)) return []
  return rows.map((r) => {
    const p = r as { line?: number; field?: string; reason_zh?: string; reason_en?: string }
    return { line: p.line ?? 0, field: p.field ?? '', reasonZh: p.reason_zh ?? '', reasonEn: p.reason_en ?? '' }
  })
}

/**
 * The admin's import: the chosen file is checked first (a preview with every bad row and its
 * line number); only a file without problems can be imported, and the engine imports all rows or
 * none, refusing again with every bad row if anything changed meanwhile.
 */
export const useAdminImportStore = defineStore('adminImport', () => {
  const cohort = ref<number | null>(null)
  const fileName = ref('')
  const size = ref(0)
  const data = ref('')
  const step = ref<ImportStep>('idle')
  const preview = ref<ImportPreview | null>(null)
  const problems = ref<ImportProblemView[]>([])
  const outcome = ref<ImportOutcome | null>(null)
  const error = ref<CommandError | null>(null)

  const percent = computed(() => PERCENT[step.value])
  const canImport = computed(
    () => step.value === 'checked' && preview.value !== null && problems.value.length === 0 && preview.value.rows > 0,
  )

  function reset() {
    step.value = 'idle'
    preview.value = null
    problems.value = []
    outcome.value = null
    error.value = null
  }

  /** Reads the chosen file and asks the engine for the preview. */
  async function choose(name: string, bytes: Uint8Array) {
    reset()
    fileName.value = name
    size.value = bytes.length
    step.value = 'read'
    data.value = toBase64(bytes)
    await check()
  }

  async function check() {
    if (cohort.value === null || !fileName.value) return
    step.value = 'check'
    error.value = null
    try {
      preview.value = await platform.importCheck(input())
      problems.value = preview.value.problems
      step.value = 'checked'
    } catch (e) {
      error.value = asCommandError(e)
      step.value = 'idle'
    }
  }

  async function run() {
    if (!canImport.value) return
    step.value = 'import'
    error.value = null
    try {
      outcome.value = await platform.importGraduates(input())
      step.value = 'done'
    } catch (e) {
      const err = asCommandError(e)
      error.value = err
      problems.value = problemsOf(err)
      step.value = 'checked'
    }
  }

  function input() {
    return { cohort: cohort.value ?? 0, fileName: fileName.value, dataBase64: data.value }
  }

  return { cohort, fileName, size, step, preview, problems, outcome, error, percent, canImport, choose, check, run, reset }
})
