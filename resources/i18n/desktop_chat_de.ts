<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
    <context>
        <name>Account</name>
        <message>
            <source>Account</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Account status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Continue anonymously</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not reach the server. Check your connection and try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Creating your account…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Email</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter your email and password first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not signed in: your chats stay on this device. Sign in to keep them in sync across machines.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign up</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signed in as {account}. {status}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signing in…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signing out…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Something went wrong: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync is off. To keep your chats in Supabase as well, set SUPABASE_URL and SUPABASE_KEY (see docs/supabase.md) and restart Desktop Chat.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This system has no keychain to keep the sign-in in, so it lasts until Desktop Chat closes: you will need to sign in again next time.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ApiKeyDialog</name>
        <message>
            <source>API key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Desktop Chat needs a Groq API key to answer. Create one at console.groq.com/keys and paste it here. It is kept in your system keychain, never in a file or a log.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Groq API key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save key</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CommandPalette</name>
        <message>
            <source>Clear the search</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Command palette</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Matching actions and sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search actions and sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type an action or a session…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>larger text</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>KeyDestination</name>
        <message>
            <source>Don't send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>GROQ_BASE_URL sends requests to {new}, but your saved Groq key was saved for {old}.

Send your key and your messages to the new address? If you did not set GROQ_BASE_URL yourself, choose “Don't send”: Desktop Chat then starts without the key, and your key stays in the keychain.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send the key there</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send your key to another server?</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>QuickAsk</name>
        <message>
            <source>Add a Groq API key in the main window first (Settings).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ask anything…  Enter asks, Esc closes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter asks a follow-up; “Open in main window” continues there.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Interrupted: an unexpected error stopped the reply.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Interrupted: the reply did not finish.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open in main window</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open this question in the main window</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Question</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quick ask</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quick ask — {app}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Replying…  (Esc hides this window; the answer is kept)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stopped: the reply was cut short.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The answer did not arrive. Press Enter to ask again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wait for this answer to finish.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SessionPanel</name>
        <message>
            <source> · ended</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n matches</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>+ New</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Clear search</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>End session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Matches the title</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More session actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No matches for “{query}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No matches.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rename, export or delete the selected session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search results</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search sessions  (Ctrl+K)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start a new session (Ctrl+N)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Summarize this session and start a fresh one (Ctrl+E)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>just now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>title</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ShortcutsDialog</name>
        <message>
            <source>Keyboard shortcuts</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <source>Hide window</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New chat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quick ask</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show window</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{app} tray menu</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Welcome</name>
        <message>
            <source>Add a Groq API key to start chatting.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Explain a concept</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Explain how public-key cryptography works, in plain words.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Improve a text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Make this email clearer and friendlier: </source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Model: {model}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Plan a relaxed three-day trip to Lisbon.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Plan something</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start with: {prompt}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What can I help with?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write a Python function that removes duplicates from a list, keeping order.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write code</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
