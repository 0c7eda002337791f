-- Desktop Chat: the Supabase schema (PostgreSQL 15).
--
-- How to use: open your Supabase project, go to "SQL Editor", paste this whole file and press
-- "Run". It can be run again safely: every statement is idempotent.
--
-- What it makes: `sessions` and `events` (docs/architecture.md, "Data model"), their indexes, and Row Level
-- Security so that each signed-in user sees and changes only their own rows. The anon key that
-- the app ships with is public; these policies are the only thing protecting the rows.
--
-- Sync notes (desktop_chat/store/sync.py):
-- * IDs (uuid v4) and timestamps are made on the device; the local SQLite file is the source
--   of truth and this database is its replica.
-- * `changed_at` is the SERVER's clock at the last change of a row. Devices pull "rows whose
--   changed_at is after my cursor", so a device with a wrong clock never misses anything.
-- * Session metadata is last-writer-wins on `updated_at` (the device's time of the edit): an
--   upsert carrying an older `updated_at` than the stored row is ignored by a trigger.
-- * Deleting a session is a tombstone (`deleted_at` set), so the delete reaches every device.
-- * Events are merged by `event_id`; a retried push updates the same row, never duplicates it.

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------
create table if not exists public.sessions (
    session_id uuid primary key,
    user_id    uuid not null default auth.uid() references auth.users (id) on delete cascade,
    start_time timestamptz not null,
    end_time   timestamptz,
    summary    text,
    title      text,
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    changed_at timestamptz not null default clock_timestamp()
);

create table if not exists public.events (
    event_id   uuid primary key,
    session_id uuid not null references public.sessions (session_id) on delete cascade,
    -- The owner, copied from the session; lets RLS and the pull use an index.
    user_id    uuid not null default auth.uid() references auth.users (id) on delete cascade,
    type       text not null check (type in ('user_message', 'ai_response', 'summary')),
    timestamp  timestamptz not null,
    payload    jsonb not null default '{}'::jsonb,
    changed_at timestamptz not null default clock_timestamp()
);

-- ---------------------------------------------------------------------------------------------
-- A session is a tree (docs/architecture.md). Added after the first release, as `add column if not
-- exists`, so these lines also upgrade an existing project: to upgrade, run this whole file
-- again (the trigger functions below changed too). Rows stored before keep a null parent_id
-- until a device that has upgraded its local file pushes them again with their parents.
-- * events.parent_id: the event this one follows (null for the first); regenerations and
--   edits are siblings. Set once, never changed; a parent must be in the same session.
-- * sessions.active_leaf: the event the transcript ends at (last-writer-wins like the title).
-- * sessions.system_prompt: the session's own system prompt; branched_from: the event of
--   another session this one was branched from.
-- ---------------------------------------------------------------------------------------------
alter table public.events add column if not exists parent_id uuid;
alter table public.sessions add column if not exists active_leaf uuid;
alter table public.sessions add column if not exists system_prompt text;
alter table public.sessions add column if not exists branched_from uuid;

-- ---------------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------------
create index if not exists events_session_time on public.events (session_id, timestamp);
-- The versions of a message (its parent's children).
create index if not exists events_parent on public.events (parent_id);
create index if not exists sessions_user_updated on public.sessions (user_id, updated_at desc);
-- The pull: "my rows changed since the cursor".
create index if not exists sessions_user_changed on public.sessions (user_id, changed_at);
create index if not exists events_user_changed on public.events (user_id, changed_at);

-- ---------------------------------------------------------------------------------------------
-- Checks: what every client can read back. A row another device cannot parse (a timestamp of
-- 'infinity' or year 10000, a payload that is not an object, megabytes of title) would stop
-- its sync, so the server refuses it. Times stay a day inside 0001..9999 (what clients'
-- date types hold, in any time zone). NOT VALID: rows stored before these checks existed are
-- left alone (a re-run never fails on them); every new or changed row is checked.
-- ---------------------------------------------------------------------------------------------
alter table public.sessions drop constraint if exists sessions_times_in_range;
alter table public.sessions add constraint sessions_times_in_range check (
    start_time >= '0001-01-02 00:00+00' and start_time < '9999-12-31 00:00+00'
    and updated_at >= '0001-01-02 00:00+00' and updated_at < '9999-12-31 00:00+00'
    and (end_time is null
         or (end_time >= '0001-01-02 00:00+00' and end_time < '9999-12-31 00:00+00'))
    and (deleted_at is null
         or (deleted_at >= '0001-01-02 00:00+00' and deleted_at < '9999-12-31 00:00+00'))
) not valid;
alter table public.sessions drop constraint if exists sessions_title_length;
alter table public.sessions add constraint sessions_title_length
    check (title is null or char_length(title) <= 500) not valid;
alter table public.sessions drop constraint if exists sessions_summary_length;
alter table public.sessions add constraint sessions_summary_length
    check (summary is null or char_length(summary) <= 20000) not valid;
alter table public.sessions drop constraint if exists sessions_system_prompt_length;
alter table public.sessions add constraint sessions_system_prompt_length
    check (system_prompt is null or char_length(system_prompt) <= 20000) not valid;
alter table public.events drop constraint if exists events_parent_not_self;
alter table public.events add constraint events_parent_not_self
    check (parent_id is distinct from event_id) not valid;

alter table public.events drop constraint if exists events_timestamp_in_range;
alter table public.events add constraint events_timestamp_in_range
    check (timestamp >= '0001-01-02 00:00+00' and timestamp < '9999-12-31 00:00+00') not valid;
alter table public.events drop constraint if exists events_payload_is_object;
alter table public.events add constraint events_payload_is_object
    check (jsonb_typeof(payload) = 'object') not valid;
-- 4 MB of JSON text: a 400,000-character message, or a capped reply, with room to spare.
alter table public.events drop constraint if exists events_payload_size;
alter table public.events add constraint events_payload_size
    check (octet_length(payload::text) <= 4000000) not valid;

-- ---------------------------------------------------------------------------------------------
-- Triggers: server-side change stamp, last-writer-wins for sessions, immutable event identity
-- ---------------------------------------------------------------------------------------------
create or replace function public.sessions_before_write() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if tg_op = 'UPDATE' then
        -- Last writer wins on updated_at: an older edit arriving late is ignored.
        if new.updated_at < old.updated_at then
            return null;
        end if;
        -- A row never changes hands, nor its id, nor where it was branched from.
        new.session_id := old.session_id;
        new.user_id := old.user_id;
        new.branched_from := coalesce(old.branched_from, new.branched_from);
        -- Re-sending what is already stored changes nothing (retries are free).
        if (new.start_time, new.end_time, new.summary, new.title, new.updated_at, new.deleted_at,
            new.active_leaf, new.system_prompt, new.branched_from)
           is not distinct from
           (old.start_time, old.end_time, old.summary, old.title, old.updated_at, old.deleted_at,
            old.active_leaf, old.system_prompt, old.branched_from)
        then
            return null;
        end if;
    end if;
    -- The shown leaf is one of this session's events. An event not stored yet is allowed
    -- (devices push in any order); the check runs with the caller's rights, so it sees only
    -- the caller's own events and says nothing about anyone else's ids.
    if new.active_leaf is not null and exists (
        select 1 from public.events e
        where e.event_id = new.active_leaf and e.session_id <> new.session_id
    ) then
        raise exception 'the active leaf must be an event of the same session'
            using errcode = '23514';
    end if;
    new.changed_at := clock_timestamp();
    return new;
end;
$$;

drop trigger if exists sessions_before_write on public.sessions;
create trigger sessions_before_write
    before insert or update on public.sessions
    for each row execute function public.sessions_before_write();

create or replace function public.events_before_write() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if tg_op = 'UPDATE' then
        -- Events are append-only facts: only the payload of a reply may still grow.
        new.event_id := old.event_id;
        new.session_id := old.session_id;
        new.user_id := old.user_id;
        new.type := old.type;
        new.timestamp := old.timestamp;
        -- A parent is set once: rows pushed before the tree existed get theirs later.
        new.parent_id := coalesce(old.parent_id, new.parent_id);
        if (new.payload, new.parent_id) is not distinct from (old.payload, old.parent_id) then
            return null;
        end if;
    end if;
    -- A parent is in the same session. A parent not stored yet is allowed (events merge by id
    -- in any order); the check runs with the caller's rights, so it sees only their own rows.
    if (new.parent_id is not null and exists (
            select 1 from public.events p
            where p.event_id = new.parent_id and p.session_id <> new.session_id))
       or (tg_op = 'INSERT' and exists (  -- a child that came first, from another session
            select 1 from public.events c
            where c.parent_id = new.event_id and c.session_id <> new.session_id))
    then
        raise exception 'an event''s parent must be in the same session'
            using errcode = '23514';
    end if;
    new.changed_at := clock_timestamp();
    return new;
end;
$$;

drop trigger if exists events_before_write on public.events;
create trigger events_before_write
    before insert or update on public.events
    for each row execute function public.events_before_write();

-- ---------------------------------------------------------------------------------------------
-- Privileges: only signed-in users (including anonymous sign-ins, which are `authenticated`)
-- reach these tables; requests made with just the anon key get "permission denied".
-- ---------------------------------------------------------------------------------------------
revoke all on public.sessions, public.events from anon;
-- Supabase's default privileges give `authenticated` everything, but RLS guards only select,
-- insert, update and delete: TRUNCATE would empty every user's rows at once, TRIGGER would
-- run a user's code on others' writes, REFERENCES would let a user's table probe ids.
revoke truncate, trigger, references on public.sessions, public.events from authenticated;
grant select, insert, update, delete on public.sessions, public.events to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Row Level Security
-- ---------------------------------------------------------------------------------------------
alter table public.sessions enable row level security;
alter table public.events enable row level security;

-- sessions: a user sees and changes only their own rows.
drop policy if exists "sessions: owner can select" on public.sessions;
create policy "sessions: owner can select" on public.sessions
    for select to authenticated
    using ((select auth.uid()) = user_id);

drop policy if exists "sessions: owner can insert" on public.sessions;
create policy "sessions: owner can insert" on public.sessions
    for insert to authenticated
    with check ((select auth.uid()) = user_id);

drop policy if exists "sessions: owner can update" on public.sessions;
create policy "sessions: owner can update" on public.sessions
    for update to authenticated
    using ((select auth.uid()) = user_id)
    with check ((select auth.uid()) = user_id);

drop policy if exists "sessions: owner can delete" on public.sessions;
create policy "sessions: owner can delete" on public.sessions
    for delete to authenticated
    using ((select auth.uid()) = user_id);

-- events: through their session. A user may only add events to a session they own, and only
-- as themselves; they see and change only events of their own sessions.
drop policy if exists "events: owner can select" on public.events;
create policy "events: owner can select" on public.events
    for select to authenticated
    using ((select auth.uid()) = user_id);

drop policy if exists "events: owner can insert" on public.events;
create policy "events: owner can insert" on public.events
    for insert to authenticated
    with check (
        (select auth.uid()) = user_id
        and exists (
            select 1 from public.sessions s
            where s.session_id = events.session_id and s.user_id = (select auth.uid())
        )
    );

drop policy if exists "events: owner can update" on public.events;
create policy "events: owner can update" on public.events
    for update to authenticated
    using ((select auth.uid()) = user_id)
    with check (
        (select auth.uid()) = user_id
        and exists (
            select 1 from public.sessions s
            where s.session_id = events.session_id and s.user_id = (select auth.uid())
        )
    );

drop policy if exists "events: owner can delete" on public.events;
create policy "events: owner can delete" on public.events
    for delete to authenticated
    using ((select auth.uid()) = user_id);

-- ---------------------------------------------------------------------------------------------
-- Attached images (desktop_chat/store/attachment_sync.py). Added after the tree, idempotent like
-- the rest: to upgrade an existing project, run this whole file again (until then the app
-- says the project's tables are older than it and keeps changes waiting, as it does for
-- columns). An event's payload names its images (id, name, size, a
-- small preview); the bytes are here, once, as base64 text, bounded: the app downscales an
-- image to at most 560 KB before it is attached. Rows never change: no update policy.
-- ---------------------------------------------------------------------------------------------
create table if not exists public.attachments (
    attachment_id uuid primary key,
    session_id    uuid not null references public.sessions (session_id) on delete cascade,
    user_id       uuid not null default auth.uid() references auth.users (id) on delete cascade,
    mime          text not null,
    size          integer not null,
    data          text not null,
    changed_at    timestamptz not null default clock_timestamp()
);
create index if not exists attachments_session on public.attachments (session_id);

alter table public.attachments drop constraint if exists attachments_image_type;
alter table public.attachments add constraint attachments_image_type
    check (mime in ('image/png', 'image/jpeg', 'image/webp', 'image/gif')) not valid;
-- 1,000,000 base64 characters: a 750 KB image, past the app's 560 KB with room to spare.
alter table public.attachments drop constraint if exists attachments_data_size;
alter table public.attachments add constraint attachments_data_size
    check (octet_length(data) <= 1000000 and size between 0 and 750000) not valid;

revoke all on public.attachments from anon;
revoke truncate, trigger, references, update on public.attachments from authenticated;
grant select, insert, delete on public.attachments to authenticated;

alter table public.attachments enable row level security;

drop policy if exists "attachments: owner can select" on public.attachments;
create policy "attachments: owner can select" on public.attachments
    for select to authenticated
    using ((select auth.uid()) = user_id);

-- Only into a session of one's own, and only as oneself.
drop policy if exists "attachments: owner can insert" on public.attachments;
create policy "attachments: owner can insert" on public.attachments
    for insert to authenticated
    with check (
        (select auth.uid()) = user_id
        and exists (
            select 1 from public.sessions s
            where s.session_id = attachments.session_id and s.user_id = (select auth.uid())
        )
    );

drop policy if exists "attachments: owner can delete" on public.attachments;
create policy "attachments: owner can delete" on public.attachments
    for delete to authenticated
    using ((select auth.uid()) = user_id);
