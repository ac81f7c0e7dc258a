-- bench/online: one writer transaction, like an application's unit of work: mark a random
-- existing order paid, and take a new order. pgbench sets :rows (the rows loaded).
\set id random(1, :rows)
\set customer random(1, 100000)
\set cents random(100, 999999)
BEGIN;
UPDATE orders SET status = 'paid', updated_at = now() WHERE id = :id;
INSERT INTO orders (customer_id, amount, status) VALUES (:customer, :cents / 100.0, 'new');
COMMIT;
