CREATE TABLE IF NOT EXISTS customers (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS payments (
  id uuid PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The transactional outbox: the service writes events here in the same transaction.
CREATE TABLE IF NOT EXISTS outbox (
  id bigserial PRIMARY KEY,
  aggregate_id uuid NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Full row images in change events (updates and deletes carry the old values).
ALTER TABLE payments REPLICA IDENTITY FULL;
-- Debezium uses this publication (publication.autocreate.mode: disabled in the connector).
DO $$$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'payments_cdc') THEN
    CREATE PUBLICATION payments_cdc FOR TABLE payments, outbox;
  END IF;
END
$$$$;
