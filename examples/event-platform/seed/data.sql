INSERT INTO customers (id, email) VALUES
  ('cus_001', 'alice@acme.test'),
  ('cus_002', 'bob@acme.test')
ON CONFLICT (id) DO NOTHING;
INSERT INTO payments (id, customer_id, amount_cents, currency, status) VALUES
  ('5b0e5c1e-7d59-4d43-a0a4-0f3e8f6d9a01', 'cus_001', 4999, 'EUR', 'CAPTURED'),
  ('5b0e5c1e-7d59-4d43-a0a4-0f3e8f6d9a02', 'cus_002', 1250, 'EUR', 'AUTHORIZED')
ON CONFLICT (id) DO NOTHING;
