import { describe, expect, it } from 'vitest'
import type { ItemSummary } from '@/bindings/ItemSummary'
import type { PortalView } from '@/bindings/PortalView'
import type { DestinationTable } from '@/platform/reference'
import {
  codePoints,
  countdown,
  destinationGroups,
  explanationCounter,
  formatBytes,
  formatCountdown,
  formatTime,
  guideSections,
  type GuideSection,
  nextActions,
  employerTerminationAsks,
  paperFormFromPayload,
  saveRegistration,
  toBase64,
} from './format'

describe('explanation counter (R-TERM-01: characters, not bytes or UTF-16 units)', () => {
  it('counts 𠮷 (a surrogate pair) as one character, as the engine does', () => {
    expect('𠮷'.length).toBe(2)
    expect(codePoints('王𠮷')).toBe(2)
    expect(explanationCounter('').text).toBe('0/200')
    expect(explanationCounter('家庭原因').text).toBe('4/200')
  })

  it('is over the limit at 201 characters, not at 200', () => {
    expect(explanationCounter('𠮷'.repeat(200)).over).toBe(false)
    expect(explanationCounter('𠮷'.repeat(200)).used).toBe(200)
    expect(explanationCounter('字'.repeat(201)).over).toBe(true)
  })
})

describe('deadline countdown', () => {
  const deadline = 1_800_000_000
  it('splits the time left and marks the last 24 hours urgent', () => {
    const c = countdown(deadline, (deadline - 2 * 86400 - 3 * 3600 - 4 * 60 - 5) * 1000)
    expect(c).toMatchObject({ expired: false, days: 2, hours: 3, minutes: 4, seconds: 5, urgent: false })
    expect(formatCountdown(c, '天')).toBe('2天 03:04:05')
    const soon = countdown(deadline, (deadline - 3599) * 1000)
    expect(soon.urgent).toBe(true)
    expect(formatCountdown(soon, 'd')).toBe('00:59:59')
  })

  it('is expired at and after the deadline', () => {
    expect(countdown(deadline, deadline * 1000).expired).toBe(true)
    expect(countdown(deadline, (deadline + 10) * 1000)).toMatchObject({ expired: true, urgent: false, days: 0 })
  })
})

describe('sizes, times and bytes', () => {
  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(12_595)).toBe('12.3 KB')
    expect(formatBytes(4_781_506)).toBe('4.56 MB')
  })

  it('shows times in Asia/Shanghai whatever the machine zone', () => {
    // 2026-07-01 00:00 UTC is 08:00 in Shanghai.
    expect(formatTime(1_782_864_000, 'zh-CN')).toContain('08:00')
    // A time that is not set shows a dash, never 1970-01-01 08:00.
    expect(formatTime(0, 'zh-CN')).toBe('—')
    expect(formatTime(null, 'en')).toBe('—')
  })

  it('encodes large files to base64 in chunks', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 256)
    const decoded = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0))
    expect(decoded).toEqual(bytes)
  })
})

describe('forms', () => {
  it('fills the paper form from a stored payload', () => {
    const form = paperFormFromPayload({
      employer: { name: '北京星河科技有限公司', credit_code: '91110000MA00000000', contact_phone: '010-88886666' },
      terms: { position: '工程师', archive_handling: '单位接收', archive_postcode: '100000' },
    })
    expect(form.employer.creditCode).toBe('91110000MA00000000')
    expect(form.terms.archiveHandling).toBe('单位接收')
    expect(form.terms.salary).toBe('')
  })

  const table: DestinationTable = {
    placement_codes: [],
    watched_codes: [],
    types: [
      { id: 'agreement', group: 'A', selectable: false, directed_only: false },
      { id: 'x', group: 'A', selectable: true, directed_only: false },
      { id: 'y', group: 'B', selectable: true, directed_only: false },
      { id: 'z', group: 'A', selectable: true, directed_only: false },
      { id: 'directed', group: 'D', selectable: true, directed_only: true },
    ].map((t) => ({
      ...t,
      code: '10',
      subcode: '',
      name_zh: t.id,
      name_en: t.id,
      fields: [],
      proof_required: true,
      proof_zh: '',
      proof_en: '',
    })),
  }

  it('groups selectable types in table order; a directed graduate sees only their type (R-DEST-05)', () => {
    const groups = destinationGroups(table, false)
    expect(groups.map((g) => [g.group, g.types.map((t) => t.id)])).toEqual([
      ['A', ['x', 'z']],
      ['B', ['y']],
    ])
    expect(destinationGroups(table, true).flatMap((g) => g.types.map((t) => t.id))).toEqual(['directed'])
  })
})

describe('what home offers next', () => {
  const portal = (over: Partial<PortalView> = {}, directed = false, confirmed = true): PortalView => ({
    graduate: {
      id: 1,
      cohort: 2026,
      studentNumber: '2026000001',
      name: '王𠮷',
      gender: '男',
      idNumber: '',
      educationLevel: '本科',
      major: '',
      department: '',
      trainingMode: directed ? '定向' : '非定向',
      directedUnit: '',
      origin: '',
      phone: '',
      email: '',
      confirmedAt: confirmed ? 1 : null,
      directed,
    },
    cohort: { year: 2026, moduleOpen: true, changesUntil: 0, agreementTitle: '' },
    schoolName: '',
    schoolContact: '',
    cohorts: [],
    readOnly: false,
    current: null,
    blocked: null,
    ...over,
  })

  it('asks for the info confirmation first, then says the module is closed', () => {
    expect(nextActions(portal({}, false, false), 2)).toEqual(['confirmInfo'])
    expect(nextActions(portal({ cohort: { year: 2026, moduleOpen: false, changesUntil: 0, agreementTitle: '' } }), 2)).toEqual([
      'moduleClosed',
    ])
  })

  it('offers invitations and registrations to a free graduate, only the supplement to a directed one', () => {
    expect(nextActions(portal(), 1)).toEqual(['answerInvitations', 'registerPaper', 'applyOffline', 'registerDestination'])
    expect(nextActions(portal(), 0)).toEqual(['registerPaper', 'applyOffline', 'registerDestination'])
    expect(nextActions(portal({}, true), 3)).toEqual(['directedSupplement'])
  })

  it('past cohorts are read-only', () => {
    expect(nextActions(portal({ readOnly: true }), 1)).toEqual(['readOnly'])
  })

  it("names an employer's termination request first", () => {
    expect(nextActions(portal(), 0, 1)).toEqual(['answerTermination', 'registerPaper', 'applyOffline', 'registerDestination'])
    expect(nextActions(portal({ readOnly: true }), 0, 1)).toEqual(['readOnly'])
  })

  it("finds the employers' termination requests waiting for the graduate", () => {
    const summary: ItemSummary = {
      id: 0,
      kind: 'termination',
      state: 'awaiting_counterparty',
      awaitingLevel: null,
      parentId: 9,
      graduateName: '李艳',
      studentNumber: '2026000002',
      employerName: '北京星河科技有限公司',
      destCode: '',
      deadline: null,
      agreementNumber: null,
      verificationCode: null,
      snapshotHash: null,
      payload: {},
      submittedAt: 0,
      createdAt: 1_782_864_000,
      updatedAt: 1_782_864_000,
    }
    const item = (over: Partial<ItemSummary>): ItemSummary => ({ ...summary, ...over })
    const asks = employerTerminationAsks([
      item({ id: 1, kind: 'termination', state: 'awaiting_counterparty', payload: { initiator: 'employer' } }),
      item({ id: 2, kind: 'termination', state: 'awaiting_counterparty', payload: { initiator: 'graduate' } }),
      item({ id: 3, kind: 'termination', state: 'under_review', payload: { initiator: 'employer' } }),
      item({ id: 4, kind: 'signing', state: 'awaiting_counterparty', payload: { initiator: 'employer' } }),
    ])
    expect(asks.map((i) => i.id)).toEqual([1])
  })
})

describe('saving a registration form', () => {
  const refused = { code: 'module_closed', message: { zh: '模块未开放', en: 'closed' }, details: null }

  it('creates once: a retry after a refused submission edits and submits the same draft', async () => {
    let created = 0
    const edited: number[] = []
    const submitted: number[] = []
    let refuse = true
    const steps = {
      create: async () => {
        created += 1
        return 41
      },
      edit: async (id: number) => void edited.push(id),
      submit: async (id: number) => {
        if (refuse) throw refused
        submitted.push(id)
      },
      andSubmit: true,
    }
    const first = await saveRegistration({ ...steps, id: null })
    expect(first).toEqual({ id: 41, submitted: false, submitError: refused })
    refuse = false
    const again = await saveRegistration({ ...steps, id: first.id })
    expect(again).toEqual({ id: 41, submitted: true, submitError: null })
    expect(created).toBe(1)
    expect(edited).toEqual([41])
    expect(submitted).toEqual([41])
  })

  it('saves a draft without submitting when not asked to', async () => {
    let submits = 0
    const saved = await saveRegistration({
      id: 7,
      create: async () => 0,
      edit: async () => undefined,
      submit: async () => void (submits += 1),
      andSubmit: false,
    })
    expect(saved).toEqual({ id: 7, submitted: false, submitError: null })
    expect(submits).toBe(0)
  })

  it('lets a refused save itself fail', async () => {
    await expect(
      saveRegistration({
        id: null,
        create: async () => {
          throw refused
        },
        edit: async () => undefined,
        submit: async () => undefined,
        andSubmit: true,
      }),
    ).rejects.toBe(refused)
  })
})

describe('the operating guide', () => {
  it('shows a 定向/委培 graduate only what applies to them', async () => {
    const { createAppI18n } = await import('@/i18n')
    const { tm, rt } = createAppI18n('zh-CN').global
    const all = (tm('graduate.guide.sections') as { for: unknown; title: unknown; body: unknown }[]).map(
      (s): GuideSection => ({ for: rt(s.for as never) as GuideSection['for'], title: rt(s.title as never), body: rt(s.body as never) }),
    )
    const directed = guideSections(all, true).map((s) => s.title)
    const free = guideSections(all, false).map((s) => s.title)
    expect(directed).toContain('定向/委培毕业去向补充登记')
    expect(directed.some((t) => t.includes('网上签约') || t.includes('解约'))).toBe(false)
    expect(guideSections(all, true).some((s) => s.body.includes('签约邀请'))).toBe(false)
    expect(free).toContain('网上签约')
    expect(free).toContain('解约')
    expect(free).not.toContain('定向/委培毕业去向补充登记')
    expect(directed[0]).toBe('确认基本信息')
  })
})
