// The one place a graduate's screens name a state: the operating guide's words (等待应约, 签约失败,
// 解约失败, 退回修改 …), by the kind of item where the word depends on it (a failed review of an
// agreement is 签约失败, of a termination 解约失败). Checked against the guide's terms in
// stateLabels.test.ts.

type Translate = (key: string) => string
type Exists = (key: string) => boolean

/** The label of `state` for an item of `kind` (any kind when not given). */
export function stateLabel(t: Translate, te: Exists, state: string, kind?: string | null): string {
  const byKind = kind ? `graduate.kindStates.${kind}.${state}` : null
  if (byKind && te(byKind)) return t(byKind)
  const general = `graduate.states.${state}`
  return te(general) ? t(general) : state
}
