-- Shoppers to click through the app with, in development only: launchdb never applies demo seeds to
-- production or a guarded environment, and `launchdb scan data` finds these values if they get there.
insert into accounts (email, name) values
  ('demo.shopper@example.com', 'Demo Shopper'),
  ('avery.bargain-hunter@example.com', 'Avery Bargainhunter')
on conflict (email) do nothing;
