import { describe, expect, it } from 'vitest'
import { destinationDiff, destinationTypeName, emptyFilter, filesOf, formatShanghai, runBatch, shanghaiDayStart, toQueueFilter } from './queue'

describe('reviewer queue helpers', () => {
  it('turns Shanghai days into UTC seconds, the "to" day included', () => {
    // 2026-06-01 00:00 in Shanghai is 2026-05-31 16:00 UTC.
    expect(shanghaiDayStart('2026-06-01')).toBe(Date.UTC(2026, 4, 31, 16) / 1000)
    expect(shanghaiDayStart('June 1')).toBeNull()
    const f = toQueueFilter('paper', { ...emptyFilter(), awaitingMe: false, from: '2026-06-01', to: '2026-06-01', major: ' 英语 ' }, null)
    expect(f.submittedFrom).toBe(Date.UTC(2026, 4, 31, 16) / 1000)
    expect(f.submittedTo).toBe(Date.UTC(2026, 5, 1, 16) / 1000)
    expect(f.major).toBe('英语')
    expect(f.kind).toBe('paper')
    expect(f.destCode).toBeNull()
  })

  it('drops the state filter in the work queue and passes the cursor through', () => {
    const cursor = { submittedAt: 100, id: 7 }
    const work = toQueueFilter('signing', { ...emptyFilter(), state: 'signed' }, cursor, 20)
    expect(work.state).toBeNull()
    expect(work.awaitingMe).toBe(true)
    expect(work.after).toEqual(cursor)
    expect(work.limit).toBe(20)
    const all = toQueueFilter('signing', { ...emptyFilter(), awaitingMe: false, state: 'signed' }, null)
    expect(all.state).toBe('signed')
  })

  it('formats times in Asia/Shanghai', () => {
    expect(formatShanghai(Date.UTC(2026, 5, 30, 16, 5) / 1000)).toBe('2026-07-01 00:05')
    // Never the epoch for a time that is not set.
    expect(formatShanghai(null)).toBe('—')
    expect(formatShanghai(0)).toBe('—')
  })

  it('finds the scans and proofs of a payload', () => {
    const files = filesOf({
      scans: [{ hash: 'a'.repeat(64), name: '协议.jpg', size: 10, thumbnail: 'b'.repeat(64) }, { nope: 1 }],
      proofs: [{ hash: 'c'.repeat(64), name: '证明.jpg', size: 5, thumbnail: null }],
    })
    expect(files.map((f) => f.name)).toEqual(['协议.jpg', '证明.jpg'])
    expect(files[0]?.thumbnail).toBe('b'.repeat(64))
    expect(filesOf({})).toEqual([])
  })

  it('lists an offline agreement\'s stamped pages with their QR verdicts (R-OFFSIGN-04)', () => {
    const files = filesOf({
      pages: [
        { file: { hash: 'd'.repeat(64), name: '第1页.jpg', size: 9, thumbnail: 'e'.repeat(64) }, qr: 'matched' },
        { file: { hash: 'f'.repeat(64), name: '第2页.jpg', size: 8, thumbnail: null }, qr: 'not_found' },
        { qr: 'matched' },
      ],
    })
    expect(files.map((f) => [f.name, f.qr])).toEqual([
      ['第1页.jpg', 'matched'],
      ['第2页.jpg', 'not_found'],
    ])
  })

  it('sends an offline signing\'s two reviews as kinds of their own', () => {
    expect(toQueueFilter('offline_signing_application', emptyFilter(), null).kind).toBe('offline_signing_application')
    expect(toQueueFilter('offline_signing_stamped', emptyFilter(), null).kind).toBe('offline_signing_stamped')
  })

  it('shows a reviewer edit as the changed type and fields only', () => {
    const rows = destinationDiff({
      before: { type_id: 'employment_certificate', fields: { unit: '甲公司', city: '北京' } },
      after: { type_id: 'labour_contract', fields: { unit: '乙公司', city: '北京', position: '会计' } },
    })
    expect(rows).toEqual([
      { field: 'type_id', before: 'employment_certificate', after: 'labour_contract' },
      { field: 'position', before: '', after: '会计' },
      { field: 'unit', before: '甲公司', after: '乙公司' },
    ])
    expect(destinationDiff(null)).toEqual([])
    expect(destinationDiff({ before: { type_id: 'x' } })).toEqual([])
  })

  it('names the types, never their internal ids', () => {
    const table = {
      types: [
        { id: 'postgraduate', name_zh: '研究生', name_en: 'Postgraduate study' },
        { id: 'second_bachelor', name_zh: '第二学士学位', name_en: 'Second bachelor' },
      ],
    }
    const change = { before: { type_id: 'postgraduate', fields: {} }, after: { type_id: 'second_bachelor', fields: {} } }
    expect(destinationDiff(change, destinationTypeName(table, 'zh-CN'))).toEqual([
      { field: 'type_id', before: '研究生', after: '第二学士学位' },
    ])
    expect(destinationDiff(change, destinationTypeName(table, 'en'))[0]?.after).toBe('Second bachelor')
    expect(destinationTypeName(null, 'zh-CN')('unknown_type')).toBe('unknown_type')
  })

  it('approves a batch one by one, reporting progress and each refusal', async () => {
    const progress: string[] = []
    const seen: [number, number][] = []
    const results = await runBatch(
      [
        { id: 1, version: 3 },
        { id: 2, version: 1 },
        { id: 3, version: 0 },
      ],
      async (id, version) => {
        seen.push([id, version])
        if (id === 2) throw { code: 'already_reviewed', message: { zh: '已被他人处理', en: 'Already reviewed' }, details: null }
      },
      (e) => (e as { message: { zh: string } }).message.zh,
      (done, total) => progress.push(`${done}/${total}`),
    )
    expect(seen).toEqual([
      [1, 3],
      [2, 1],
      [3, 0],
    ])
    expect(progress).toEqual(['1/3', '2/3', '3/3'])
    expect(results).toEqual([
      { id: 1, ok: true, message: '' },
      { id: 2, ok: false, message: '已被他人处理' },
      { id: 3, ok: true, message: '' },
    ])
  })
})
