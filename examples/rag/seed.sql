-- A little data for examples/rag/v1, so that `keel apply examples/rag/v2` has rows to
-- backfill. PostgreSQL; run once on a fresh database after applying v1:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f examples/rag/seed.sql

INSERT INTO tenants (slug, name, plan, monthly_token_quota) VALUES
  ('northwind', 'Northwind Traders', 'pro', 20000000),
  ('initech', 'Initech', 'free', 1000000);

INSERT INTO bots (tenant_id, name, system_prompt, model, temperature, top_k, is_public)
SELECT t.id, b.name, b.prompt, b.model, b.temperature, b.top_k, b.public
FROM (VALUES ('northwind', 'Support assistant', 'Answer from the help center only. Cite your sources.', 'gpt-4o-mini', 0.10, 6, true),
             ('northwind', 'HR handbook', 'You answer employees'' questions about the handbook.', 'gpt-4o', 0.20, 8, false),
             ('initech', 'TPS report helper', 'Be concise.', 'gpt-4o-mini', 0.00, 4, false))
     AS b(tenant, name, prompt, model, temperature, top_k, public)
JOIN tenants t ON t.slug = b.tenant;

INSERT INTO api_keys (tenant_id, bot_id, name, prefix, key_hash, scopes, last_used_at)
SELECT t.id, b.id, k.name, k.prefix, sha256(convert_to(k.secret, 'UTF8')), k.scopes::text[], k.used::timestamptz
FROM (VALUES ('northwind', 'Support assistant', 'Help center widget', 'rk_live_7fq2', 'rk_live_7fq2-not-a-real-secret', '{query}', '2026-11-20 09:59:00+00'),
             ('northwind', NULL, 'Ingestion pipeline', 'rk_live_k81x', 'rk_live_k81x-not-a-real-secret', '{query,ingest}', NULL))
     AS k(tenant, bot, name, prefix, secret, scopes, used)
JOIN tenants t ON t.slug = k.tenant
LEFT JOIN bots b ON b.tenant_id = t.id AND b.name = k.bot;

INSERT INTO sources (bot_id, kind, uri, sync_interval, last_synced_at)
SELECT b.id, 'sitemap', 'https://help.northwind.example/sitemap.xml', interval '1 day', '2026-11-20 03:00:00+00'
FROM bots b WHERE b.name = 'Support assistant';

INSERT INTO documents (bot_id, source_id, title, uri, mime_type, content_sha256, byte_size, status,
                       error, language, metadata, token_count, chunk_count, ingested_at)
SELECT b.id, s.id, d.title, d.uri, d.mime, sha256(convert_to(d.title, 'UTF8')), d.size, d.status::document_status,
       d.error, d.lang, d.metadata::jsonb, d.tokens, d.chunks, d.ingested::timestamptz
FROM (VALUES ('Support assistant', 'Returning an order', 'https://help.northwind.example/returns', 'text/html', 18234, 'ready', NULL, 'en', '{"section": "orders"}', 412, 2, '2026-11-20 03:01:00+00'),
             ('Support assistant', 'Shipping to Canada', 'https://help.northwind.example/shipping-ca', 'text/html', 9120, 'ready', NULL, 'en', '{"section": "shipping"}', 233, 1, '2026-11-20 03:01:05+00'),
             ('Support assistant', 'Gift cards (scanned PDF)', 'https://help.northwind.example/gift-cards.pdf', 'application/pdf', 2202009, 'failed', 'no text layer; OCR is off for this bot', NULL, '{}', 0, 0, NULL))
     AS d(bot, title, uri, mime, size, status, error, lang, metadata, tokens, chunks, ingested)
JOIN bots b ON b.name = d.bot
LEFT JOIN sources s ON s.bot_id = b.id;

INSERT INTO chunks (document_id, bot_id, ordinal, content, token_count, char_start, char_end, headings, embedding, embedding_model)
SELECT d.id, d.bot_id, c.ordinal, c.content, c.tokens, c.char_start, c.char_end, c.headings::text[], c.embedding::double precision[], c.model
FROM (VALUES ('Returning an order', 0, 'You can return most items within 30 days of delivery. Start a return from Orders > Return items.', 22, 0, 97, '{Returns,"Return window"}', '{0.012,-0.044,0.091,0.003}', 'text-embedding-3-small'),
             ('Returning an order', 1, 'Refunds go back to the original payment method within 5 business days of receiving the item.', 20, 98, 192, '{Returns,Refunds}', '{0.021,-0.013,0.077,-0.015}', 'text-embedding-3-small'),
             ('Shipping to Canada', 0, 'We ship to all Canadian provinces. Duties are included in the price shown at checkout.', 19, 0, 86, '{Shipping,Canada}', NULL, NULL))
     AS c(doc, ordinal, content, tokens, char_start, char_end, headings, embedding, model)
JOIN documents d ON d.title = c.doc;

INSERT INTO queries (created_at, tenant_id, bot_id, api_key_id, session_id, question, question_tokens, retrieved_chunk_ids, retrieval_ms, client_ip)
SELECT q.at::timestamptz, b.tenant_id, b.id, k.id, q.session::uuid, q.question, q.tokens,
       ARRAY(SELECT c.id FROM chunks c WHERE c.bot_id = b.id ORDER BY c.id LIMIT 2), q.ms, q.ip::inet
FROM (VALUES ('2026-10-30 16:20:00+00', '6f1c2d3e-0000-4000-8000-000000000001', 'How long do I have to return a jacket?', 10, 41, '203.0.113.9'),
             ('2026-11-20 09:58:00+00', '6f1c2d3e-0000-4000-8000-000000000002', 'When will I get my refund?', 7, 38, '198.51.100.4'),
             ('2026-11-20 09:59:00+00', '6f1c2d3e-0000-4000-8000-000000000002', 'And do you ship to Quebec?', 8, 35, '198.51.100.4'))
     AS q(at, session, question, tokens, ms, ip)
JOIN bots b ON b.name = 'Support assistant'
JOIN api_keys k ON k.prefix = 'rk_live_7fq2';

INSERT INTO answers (query_id, query_created_at, content, model, prompt_tokens, completion_tokens, latency_ms, first_token_ms, finish_reason, cost_usd, citations)
SELECT q.id, q.created_at, a.content, 'gpt-4o-mini', a.prompt, a.completion, a.latency, a.first_token, a.finish::finish_reason, a.cost,
       jsonb_build_array(jsonb_build_object('chunk_id', q.retrieved_chunk_ids[1], 'score', 0.82))
FROM (VALUES ('How long do I have to return a jacket?', 'You have 30 days from delivery [1].', 812, 14, 1480, 390, 'stop', 0.000130),
             ('When will I get my refund?', 'Within 5 business days after we receive the item [1].', 790, 16, 1320, 410, 'stop', 0.000128),
             ('And do you ship to Quebec?', 'Yes, we ship to every Canadian province', 805, 9, 2950, 2210, 'length', 0.000126))
     AS a(question, content, prompt, completion, latency, first_token, finish, cost)
JOIN queries q ON q.question = a.question;

INSERT INTO feedback (answer_id, rating, reason, comment)
SELECT a.id, f.rating, f.reason::feedback_reason, f.comment
FROM (VALUES ('You have 30 days from delivery [1].', 1, NULL, NULL),
             ('Yes, we ship to every Canadian province', -1, 'incomplete', 'Cut off mid-sentence, and what about duties?'))
     AS f(content, rating, reason, comment)
JOIN answers a ON a.content = f.content;
