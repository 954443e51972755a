// The World's steps (confirm, invite, approve, sign ...), shared word for word by the engine's
// World and the HTTP World of crates/server/tests/rules_over_http: each includes this file and
// expands the macro inside its `impl World`, so a step means the same thing on every transport.

macro_rules! world_steps {
    () => {
        pub fn g(&self, n: u32) -> &Actor {
            &self.graduates[&n]
        }

        pub fn gid(&self, n: u32) -> i64 {
            self.graduates[&n].graduate_id.unwrap()
        }

        /// Graduate `n` confirms basic info.
        pub async fn confirm(&self, n: u32) {
            self.engine.confirm_info(self.g(n), self.t0).await.unwrap();
        }

        /// Employer `e` (0-based) invites graduate `n` with a 5-day window; returns the item id.
        pub async fn invite(&self, e: usize, n: u32, now: Timestamp) -> Result<i64> {
            let g = self
                .engine
                .graduate(&self.admin, self.gid(n))
                .await
                .unwrap();
            self.engine
                .invite(
                    &self.employers[e],
                    &InviteInput {
                        graduate: GraduateLookup::IdNumber {
                            name: g.name.clone(),
                            id_number: g.id_number.clone(),
                        },
                        terms: terms(),
                        deadline_days: Some(5),
                    },
                    now,
                )
                .await
        }

        pub async fn version(&self, id: i64) -> i64 {
            self.engine
                .item_detail(&self.admin, id, self.t0)
                .await
                .unwrap()
                .item
                .version
        }

        pub async fn state(&self, id: i64) -> String {
            self.engine
                .item_detail(&self.admin, id, self.t0)
                .await
                .unwrap()
                .item
                .state
        }

        pub async fn approve(&self, reviewer: &Actor, id: i64, now: Timestamp) -> Result<()> {
            let v = self.version(id).await;
            self.engine
                .review(
                    reviewer,
                    id,
                    v,
                    ReviewDecision::Approve {
                        note: String::new(),
                    },
                    now,
                )
                .await
        }

        /// Runs an item through both levels of the chain (department of graduate `n`, then school).
        pub async fn approve_all(&self, n: u32, id: i64, now: Timestamp) {
            let dep = if n <= 4 {
                &self.dep_rev_a
            } else {
                &self.dep_rev_b
            };
            self.approve(dep, id, now).await.unwrap();
            self.approve(&self.school_rev, id, now).await.unwrap();
        }

        /// A signed online agreement between employer 0 and graduate `n`.
        pub async fn signed(&self, n: u32) -> i64 {
            let id = self.invite(0, n, self.t0).await.unwrap();
            self.engine
                .accept_invitation(self.g(n), id, self.t0 + 60)
                .await
                .unwrap();
            self.approve_all(n, id, self.t0 + 120).await;
            id
        }

        /// A count of the history entries.
        pub async fn history_len(&self) -> i64 {
            let mut c = self.engine.store().read().await.unwrap();
            sqlx::Row::try_get(
                &sqlx::query("SELECT COUNT(*) AS n FROM history")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap(),
                "n",
            )
            .unwrap()
        }

        /// A digest of every table's rows, to prove a refused action changed nothing.
        pub async fn digest(&self) -> String {
            digest(&self.engine).await
        }
    };
}
