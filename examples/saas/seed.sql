-- A little data for examples/saas/v1, so that `keel apply examples/saas/v2` has rows to
-- backfill. PostgreSQL; run once on a fresh database after applying v1:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f examples/saas/seed.sql

INSERT INTO organizations (slug, name, plan, seats) VALUES
  ('acme', 'Acme Corporation', 'business', 25),
  ('globex', 'Globex', 'team', 5);

INSERT INTO users (email, display_name, password_hash, email_verified_at, locale, time_zone) VALUES
  ('ada@acme.example', 'Ada Lovelace', '$argon2id$v=19$m=65536,t=3,p=4$c2VlZA$aGFzaA', '2026-01-05 09:00:00+00', 'en', 'Europe/London'),
  ('grace@acme.example', 'Grace Hopper', NULL, '2026-01-06 10:30:00+00', 'en', 'America/New_York'),
  ('linus@globex.example', 'Linus Torvalds', '$argon2id$v=19$m=65536,t=3,p=4$c2VlZA$aGFzaA', NULL, 'fi', 'Europe/Helsinki'),
  ('Margaret@Acme.example', 'Margaret Hamilton', NULL, '2026-02-01 08:00:00+00', 'en', 'America/Chicago');

INSERT INTO memberships (organization_id, user_id, role)
SELECT o.id, u.id, m.role::membership_role
FROM (VALUES ('acme', 'ada@acme.example', 'owner'),
             ('acme', 'grace@acme.example', 'admin'),
             ('acme', 'Margaret@Acme.example', 'member'),
             ('globex', 'linus@globex.example', 'owner'),
             ('globex', 'ada@acme.example', 'guest')) AS m(org, email, role)
JOIN organizations o ON o.slug = m.org
JOIN users u ON u.email = m.email;

INSERT INTO invitations (organization_id, email, role, token_hash, invited_by, expires_at)
SELECT o.id, 'katherine@acme.example', 'member', sha256('invite-token-1'), u.id, now() + interval '7 days'
FROM organizations o, users u WHERE o.slug = 'acme' AND u.email = 'ada@acme.example';

INSERT INTO projects (organization_id, key, name, description, lead_id, next_task_number)
SELECT o.id, p.key, p.name, p.description, u.id, p.next
FROM (VALUES ('acme', 'ENG', 'Engine Room', 'Core platform work', 'grace@acme.example', 5),
             ('acme', 'WEB', 'Website & Docs', NULL, 'Margaret@Acme.example', 2),
             ('globex', 'OPS', 'Operations', 'On-call and infrastructure', 'linus@globex.example', 2))
     AS p(org, key, name, description, lead, next)
JOIN organizations o ON o.slug = p.org
JOIN users u ON u.email = p.lead;

INSERT INTO labels (organization_id, name, color)
SELECT o.id, l.name, l.color
FROM (VALUES ('acme', 'bug', '#dc2626'), ('acme', 'feature', '#2563eb'), ('globex', 'incident', '#f59e0b'))
     AS l(org, name, color)
JOIN organizations o ON o.slug = l.org;

INSERT INTO tasks (organization_id, project_id, number, title, description, status, priority,
                   assignee_id, reporter_id, estimate_points, due_on, started_at, completed_at)
SELECT p.organization_id, p.id, t.number, t.title, t.description, t.status::task_status, t.priority,
       a.id, r.id, t.points, t.due_on::date, t.started_at::timestamptz, t.completed_at::timestamptz
FROM (VALUES
  ('ENG', 1, 'Migrate job queue to SKIP LOCKED', 'The old queue table deadlocks under load.', 'done', 2,
   'grace@acme.example', 'ada@acme.example', 5, '2026-02-15', '2026-02-01 09:00:00+00', '2026-02-10 17:00:00+00'),
  ('ENG', 2, 'Rate-limit the public API', NULL, 'in_progress', 1,
   'grace@acme.example', 'ada@acme.example', 8, '2026-12-01', '2026-11-02 09:00:00+00', NULL),
  ('ENG', 3, 'Flaky test in billing suite', 'Fails one run in twenty on CI.', 'todo', 3,
   NULL, 'Margaret@Acme.example', 2, NULL, NULL, NULL),
  ('ENG', 4, 'Write the incident runbook', NULL, 'backlog', 0,
   NULL, 'ada@acme.example', NULL, NULL, NULL, NULL),
  ('WEB', 1, 'New pricing page', 'Match the 2026 plans.', 'in_review', 2,
   'Margaret@Acme.example', 'ada@acme.example', 3, '2026-11-30', '2026-11-10 09:00:00+00', NULL),
  ('OPS', 1, 'Rotate TLS certificates', NULL, 'todo', 1,
   'linus@globex.example', 'linus@globex.example', 1, '2026-12-15', NULL, NULL))
  AS t(project, number, title, description, status, priority, assignee, reporter, points,
       due_on, started_at, completed_at)
JOIN projects p ON p.key = t.project
LEFT JOIN users a ON a.email = t.assignee
LEFT JOIN users r ON r.email = t.reporter;

-- A subtask.
INSERT INTO tasks (organization_id, project_id, number, title, status, parent_id)
SELECT t.organization_id, t.project_id, 5, 'Add per-key quotas', 'todo', t.id
FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.key = 'ENG' AND t.number = 2;

INSERT INTO task_labels (task_id, label_id)
SELECT t.id, l.id
FROM tasks t JOIN projects p ON p.id = t.project_id
JOIN labels l ON l.organization_id = t.organization_id
WHERE (p.key, t.number, l.name) IN (('ENG', 3, 'bug'), ('ENG', 2, 'feature'), ('WEB', 1, 'feature'), ('OPS', 1, 'incident'));

INSERT INTO comments (task_id, author_id, body, created_at)
SELECT t.id, u.id, c.body, c.at::timestamptz
FROM (VALUES ('ENG', 1, 'grace@acme.example', 'Deployed; queue latency p99 went from 4 s to 80 ms.', '2026-02-10 17:05:00+00'),
             ('ENG', 3, 'ada@acme.example', 'Seen again on the **main** branch today.', '2026-11-12 11:00:00+00'),
             ('WEB', 1, 'ada@acme.example', 'Looks good; ship it after legal review.', '2026-11-18 15:20:00+00'))
     AS c(project, number, author, body, at)
JOIN projects p ON p.key = c.project
JOIN tasks t ON t.project_id = p.id AND t.number = c.number
JOIN users u ON u.email = c.author;

INSERT INTO threads (organization_id, kind, title, project_id, task_id, created_by, last_message_at)
SELECT o.id, 'channel', 'engineering', p.id, NULL, u.id, '2026-11-20 10:02:00+00'
FROM organizations o JOIN projects p ON p.organization_id = o.id AND p.key = 'ENG'
JOIN users u ON u.email = 'ada@acme.example' WHERE o.slug = 'acme';

INSERT INTO threads (organization_id, kind, task_id, created_by, last_message_at)
SELECT t.organization_id, 'task', t.id, t.reporter_id, '2026-11-12 11:30:00+00'
FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.key = 'ENG' AND t.number = 3;

INSERT INTO messages (thread_id, author_id, body, mentions, created_at)
SELECT th.id, u.id, m.body, m.mentions, m.at::timestamptz
FROM (VALUES ('engineering', 'ada@acme.example', 'Standup moved to 10:00 tomorrow.', '{}'::uuid[], '2026-11-20 10:00:00+00'))
     AS m(thread, author, body, mentions, at)
JOIN threads th ON th.title = m.thread
JOIN users u ON u.email = m.author;

INSERT INTO messages (thread_id, author_id, reply_to_id, body, mentions, created_at)
SELECT m.thread_id, u.id, m.id, 'Thanks, see you there @ada', ARRAY[m.author_id], '2026-11-20 10:02:00+00'
FROM messages m JOIN users u ON u.email = 'grace@acme.example';

INSERT INTO thread_participants (thread_id, user_id, last_read_message_id)
SELECT th.id, u.id, (SELECT max(id) FROM messages WHERE thread_id = th.id)
FROM threads th JOIN memberships ms ON ms.organization_id = th.organization_id
JOIN users u ON u.id = ms.user_id
WHERE th.title = 'engineering';

INSERT INTO audit_events (occurred_at, organization_id, actor_id, action, target_type, target_id, ip_address, details)
SELECT e.at::timestamptz, o.id, u.id, e.action, e.target_type, e.target_id, e.ip::inet, e.details::jsonb
FROM (VALUES ('2026-01-05 09:01:00+00', 'acme', 'ada@acme.example', 'organization.created', 'organization', 'acme', '203.0.113.7', '{}'),
             ('2026-02-10 17:00:00+00', 'acme', 'grace@acme.example', 'task.completed', 'task', 'ENG-1', '198.51.100.23', '{"from": "in_review"}'),
             ('2026-11-02 09:00:00+00', 'acme', 'grace@acme.example', 'task.started', 'task', 'ENG-2', NULL, '{}'),
             ('2026-11-15 12:00:00+00', 'globex', 'linus@globex.example', 'member.invited', 'user', 'ada@acme.example', '192.0.2.44', '{"role": "guest"}'))
     AS e(at, org, actor, action, target_type, target_id, ip, details)
JOIN organizations o ON o.slug = e.org
JOIN users u ON u.email = e.actor;

INSERT INTO billing.plans (code, name, tier, billing_interval, price, seats_included) VALUES
  ('team-monthly-2026', 'Team (monthly)', 'team', 'month', 40.00, 5),
  ('business-yearly-2026', 'Business (yearly)', 'business', 'year', 4800.00, 25);

INSERT INTO billing.subscriptions (organization_id, plan_id, status, seats, current_period_start, current_period_end, external_id)
SELECT o.id, p.id, s.status::billing.subscription_status, s.seats, s.start_at::timestamptz, s.end_at::timestamptz, s.ext
FROM (VALUES ('acme', 'business-yearly-2026', 'active', 25, '2026-01-01 00:00:00+00', '2027-01-01 00:00:00+00', 'sub_1Acme'),
             ('globex', 'team-monthly-2026', 'past_due', 5, '2026-10-15 00:00:00+00', '2026-11-15 00:00:00+00', 'sub_1Globex'))
     AS s(org, plan, status, seats, start_at, end_at, ext)
JOIN organizations o ON o.slug = s.org
JOIN billing.plans p ON p.code = s.plan;

INSERT INTO billing.invoices (organization_id, subscription_id, number, status, subtotal, tax, issued_on, due_on, paid_at)
SELECT s.organization_id, s.id, i.number, i.status::billing.invoice_status, i.subtotal, i.tax, i.issued_on::date, i.due_on::date, i.paid_at::timestamptz
FROM (VALUES ('sub_1Acme', 'INV-2026-000001', 'paid', 4800.00, 960.00, '2026-01-01', '2026-01-31', '2026-01-12 08:00:00+00'),
             ('sub_1Globex', 'INV-2026-000002', 'open', 40.00, 8.00, '2026-10-15', '2026-11-14', NULL))
     AS i(sub, number, status, subtotal, tax, issued_on, due_on, paid_at)
JOIN billing.subscriptions s ON s.external_id = i.sub;

INSERT INTO billing.invoice_lines (invoice_id, description, quantity, unit_price, period_start, period_end)
SELECT i.id, l.description, l.quantity, l.unit_price, l.period_start::date, l.period_end::date
FROM (VALUES ('INV-2026-000001', 'Business (yearly), 25 seats', 1, 4800.00, '2026-01-01', '2026-12-31'),
             ('INV-2026-000002', 'Team (monthly), 5 seats', 1, 40.00, '2026-10-15', '2026-11-14'))
     AS l(number, description, quantity, unit_price, period_start, period_end)
JOIN billing.invoices i ON i.number = l.number;

INSERT INTO billing.payments (invoice_id, amount, currency, status, provider_ref, received_at)
SELECT i.id, 5760.00, 'USD', 'succeeded', 'pi_3Acme0001', '2026-01-12 08:00:00+00'
FROM billing.invoices i WHERE i.number = 'INV-2026-000001';

INSERT INTO billing.payments (invoice_id, amount, currency, status, failure_reason)
SELECT i.id, 48.00, 'USD', 'failed', 'card_declined'
FROM billing.invoices i WHERE i.number = 'INV-2026-000002';
