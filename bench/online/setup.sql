-- bench/online: what the benchmark adds next to keel's v1 schema (keel models neither
-- triggers nor roles, so plans and drift ignore both).
--
-- ROWS rows; customer_id, amount, status, note and created_at vary deterministically.
INSERT INTO orders (customer_id, amount, status, note, created_at)
SELECT 1 + (g * 7919) % 100000,
       ((g * 37) % 100000) / 100.0,
       (ARRAY['new', 'paid', 'shipped', 'done'])[1 + g % 4],
       CASE WHEN g % 3 = 0 THEN 'note ' || g END,
       timestamptz '2024-01-01' + g * interval '1 second'
FROM generate_series(1::bigint, :rows) AS g;

-- The trigger stands in for the application release that writes the new column: it fills
-- amount_cents on INSERT once the column exists (before that, jsonb_populate_record ignores the
-- key). Without it, rows the writers insert after keel's catch-up UPDATE would still be NULL
-- when keel adds CHECK (amount_cents IS NOT NULL) NOT VALID, and the writers' INSERTs would then
-- fail: a NOT NULL column without a default needs the application to write it.
CREATE FUNCTION orders_fill_new_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW := jsonb_populate_record(NEW, jsonb_build_object('amount_cents', (NEW.amount * 100)::bigint));
  RETURN NEW;
END
$$;
CREATE TRIGGER orders_fill_new_columns BEFORE INSERT ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_fill_new_columns();

-- The writers log in as their own role, so that the server log tells them apart from keel.
CREATE ROLE bench_app LOGIN;
GRANT SELECT, INSERT, UPDATE ON orders TO bench_app;
GRANT USAGE ON SEQUENCE orders_id_seq TO bench_app;
