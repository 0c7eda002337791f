<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
    <context>
        <name>Account</name>
        <message>
            <source>Account</source>
            <translation>Konto</translation>
        </message>
        <message>
            <source>Account status</source>
            <translation>Kontostatus</translation>
        </message>
        <message>
            <source>Check your email to confirm the account, then sign in.</source>
            <translation>Bestätige das Konto über die E-Mail, die du bekommen hast, und melde dich dann an.</translation>
        </message>
        <message>
            <source>Continue anonymously</source>
            <translation>Anonym fortfahren</translation>
        </message>
        <message>
            <source>Could not reach the server. Check your connection and try again.</source>
            <translation>Der Server ist nicht erreichbar. Prüfe deine Verbindung und versuche es erneut.</translation>
        </message>
        <message>
            <source>Creating your account…</source>
            <translation>Konto wird angelegt…</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Enter your email and password first.</source>
            <translation>Gib zuerst deine E-Mail-Adresse und dein Passwort ein.</translation>
        </message>
        <message>
            <source>Not signed in: your chats stay on this device. Sign in to keep them in sync across machines.</source>
            <translation>Nicht angemeldet: Deine Chats bleiben auf diesem Gerät. Melde dich an, um sie zwischen Rechnern abzugleichen.</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Passwort</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>Anmelden</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>Abmelden</translation>
        </message>
        <message>
            <source>Sign up</source>
            <translation>Registrieren</translation>
        </message>
        <message>
            <source>Signed in as {account}. {status}.</source>
            <translation>Angemeldet als {account}. {status}.</translation>
        </message>
        <message>
            <source>Signing in…</source>
            <translation>Anmeldung läuft…</translation>
        </message>
        <message>
            <source>Signing out…</source>
            <translation>Abmeldung läuft…</translation>
        </message>
        <message>
            <source>Something went wrong: {error}</source>
            <translation>Etwas ist schiefgegangen: {error}</translation>
        </message>
        <message>
            <source>Sync is off. To keep your chats in Supabase as well, set SUPABASE_URL and SUPABASE_KEY (see docs/supabase.md) and restart Desktop Chat.</source>
            <translation>Die Synchronisierung ist aus. Um deine Chats auch in Supabase zu speichern, setze SUPABASE_URL und SUPABASE_KEY (siehe docs/supabase.md) und starte Desktop Chat neu.</translation>
        </message>
        <message>
            <source>Sync status</source>
            <translation>Synchronisierungsstatus</translation>
        </message>
        <message>
            <source>This system has no keychain to keep the sign-in in, so it lasts until Desktop Chat closes: you will need to sign in again next time.</source>
            <translation>Dieses System hat keinen Schlüsselbund für die Anmeldung, daher gilt sie nur, bis Desktop Chat geschlossen wird: Beim nächsten Mal musst du dich erneut anmelden.</translation>
        </message>
    </context>
    <context>
        <name>ApiKeyDialog</name>
        <message>
            <source>API key</source>
            <translation>API-Schlüssel</translation>
        </message>
        <message>
            <source>Desktop Chat needs a Groq API key to answer. Create one at console.groq.com/keys and paste it here. It is kept in your system keychain, never in a file or a log.</source>
            <translation>Desktop Chat braucht einen Groq-API-Schlüssel, um zu antworten. Erstelle einen unter console.groq.com/keys und füge ihn hier ein. Er wird im Schlüsselbund deines Systems aufbewahrt, nie in einer Datei oder einem Protokoll.</translation>
        </message>
        <message>
            <source>Groq API key</source>
            <translation>Groq-API-Schlüssel</translation>
        </message>
        <message>
            <source>Not now</source>
            <translation>Nicht jetzt</translation>
        </message>
        <message>
            <source>Save key</source>
            <translation>Schlüssel speichern</translation>
        </message>
    </context>
    <context>
        <name>App</name>
        <message>
            <source>The chat database was damaged, so it was moved to {path} and a fresh one was started.</source>
            <translation>Die Chat-Datenbank war beschädigt. Sie wurde nach {path} verschoben, und eine neue wurde angelegt.</translation>
        </message>
    </context>
    <context>
        <name>Attachments</name>
        <message numerus="yes">
            <source>%n pages</source>
            <translation>
                <numerusform>%n Seite</numerusform>
                <numerusform>%n Seiten</numerusform>
            </translation>
        </message>
        <message>
            <source>All files (*)</source>
            <translation>Alle Dateien (*)</translation>
        </message>
        <message>
            <source>Attach images or files</source>
            <translation>Bilder oder Dateien anhängen</translation>
        </message>
        <message>
            <source>Attachments</source>
            <translation>Anhänge</translation>
        </message>
        <message>
            <source>Could not read {name}: {reason}.</source>
            <translation>{name} konnte nicht gelesen werden: {reason}.</translation>
        </message>
        <message>
            <source>Downscaled from {original} to {size}: Groq takes images up to 4 MB (base64) and 33 megapixels.</source>
            <translation>Verkleinert von {original} auf {size}: Groq nimmt Bilder bis 4 MB (base64) und 33 Megapixel.</translation>
        </message>
        <message>
            <source>File {name}, {size}</source>
            <translation>Datei {name}, {size}</translation>
        </message>
        <message>
            <source>Goes to {model}: {chosen} cannot see images.</source>
            <translation>Geht an {model}: {chosen} kann keine Bilder sehen.</translation>
        </message>
        <message>
            <source>Image {name}</source>
            <translation>Bild {name}</translation>
        </message>
        <message>
            <source>Image {name}, {width}×{height}, {size}</source>
            <translation>Bild {name}, {width}×{height}, {size}</translation>
        </message>
        <message>
            <source>Images ({patterns})</source>
            <translation>Bilder ({patterns})</translation>
        </message>
        <message>
            <source>Images and files ({patterns})</source>
            <translation>Bilder und Dateien ({patterns})</translation>
        </message>
        <message>
            <source>No web search for this message: models that see images cannot search.</source>
            <translation>Keine Websuche für diese Nachricht: Modelle, die Bilder sehen, können nicht suchen.</translation>
        </message>
        <message numerus="yes">
            <source>Not attached: {name}. A message takes at most %n images (Groq's limit).</source>
            <translation>
                <numerusform>Nicht angehängt: {name}. Eine Nachricht nimmt höchstens ein Bild (Groqs Grenze).</numerusform>
                <numerusform>Nicht angehängt: {name}. Eine Nachricht nimmt höchstens %n Bilder (Groqs Grenze).</numerusform>
            </translation>
        </message>
        <message>
            <source>Remove {name}</source>
            <translation>{name} entfernen</translation>
        </message>
        <message>
            <source>Remove {name} (Backspace in an empty message)</source>
            <translation>{name} entfernen (Rücktaste in einer leeren Nachricht)</translation>
        </message>
        <message>
            <source>The pasted image could not be read; nothing was attached.</source>
            <translation>Das eingefügte Bild konnte nicht gelesen werden; nichts wurde angehängt.</translation>
        </message>
        <message>
            <source>attached: {list}</source>
            <translation>angehängt: {list}</translation>
        </message>
        <message>
            <source>cut</source>
            <translation>gekürzt</translation>
        </message>
        <message>
            <source>cut to {count} characters</source>
            <translation>gekürzt auf {count} Zeichen</translation>
        </message>
        <message>
            <source>file</source>
            <translation>Datei</translation>
        </message>
        <message>
            <source>file {name}</source>
            <translation>Datei {name}</translation>
        </message>
        <message>
            <source>file {name} ({detail})</source>
            <translation>Datei {name} ({detail})</translation>
        </message>
        <message>
            <source>image {name}</source>
            <translation>Bild {name}</translation>
        </message>
        <message>
            <source>pasted image</source>
            <translation>eingefügtes Bild</translation>
        </message>
        <message>
            <source>{name} could not be read as an image ({reason}).</source>
            <translation>{name} konnte nicht als Bild gelesen werden ({reason}).</translation>
        </message>
        <message>
            <source>{name} could not be read as an image.</source>
            <translation>{name} konnte nicht als Bild gelesen werden.</translation>
        </message>
        <message numerus="yes">
            <source>{name} has %n pages but no text to read (a scan, perhaps).</source>
            <translation>
                <numerusform>{name} hat eine Seite, aber keinen Text zum Lesen (vielleicht ein Scan).</numerusform>
                <numerusform>{name} hat %n Seiten, aber keinen Text zum Lesen (vielleicht ein Scan).</numerusform>
            </translation>
        </message>
        <message>
            <source>{name} is a binary file, not text; only text, code, Markdown, CSV, JSON and PDF files can be attached.</source>
            <translation>{name} ist eine Binärdatei, kein Text; nur Text-, Code-, Markdown-, CSV-, JSON- und PDF-Dateien können angehängt werden.</translation>
        </message>
        <message>
            <source>{name} is a password-protected PDF; it cannot be read.</source>
            <translation>{name} ist ein passwortgeschütztes PDF; es kann nicht gelesen werden.</translation>
        </message>
        <message>
            <source>{name} is not UTF-8 text; only text, code, Markdown, CSV, JSON and PDF files can be attached.</source>
            <translation>{name} ist kein UTF-8-Text; nur Text-, Code-, Markdown-, CSV-, JSON- und PDF-Dateien können angehängt werden.</translation>
        </message>
        <message>
            <source>{name} is not a file, so it cannot be attached.</source>
            <translation>{name} ist keine Datei und kann daher nicht angehängt werden.</translation>
        </message>
        <message>
            <source>{name} is not a readable PDF ({reason}).</source>
            <translation>{name} ist kein lesbares PDF ({reason}).</translation>
        </message>
        <message>
            <source>{name} is not on this device yet; its preview is all there is.</source>
            <translation>{name} ist noch nicht auf diesem Gerät; es gibt nur die Vorschau.</translation>
        </message>
        <message>
            <source>{name} is {size}; files up to {limit} can be attached. Attach a smaller part of it.</source>
            <translation>{name} ist {size} groß; Dateien bis {limit} können angehängt werden. Hänge einen kleineren Teil davon an.</translation>
        </message>
        <message>
            <source>{name} is {width}×{height} pixels, too large to open.</source>
            <translation>{name} hat {width}×{height} Pixel, zu groß zum Öffnen.</translation>
        </message>
        <message>
            <source>{name} was cut to its first {kept} of {whole} characters ({share}%): the model reads no more in one message.</source>
            <translation>{name} wurde auf die ersten {kept} von {whole} Zeichen gekürzt ({share} %): Mehr liest das Modell in einer Nachricht nicht.</translation>
        </message>
        <message>
            <source>{name}, {width}×{height} pixels, {size}</source>
            <translation>{name}, {width}×{height} Pixel, {size}</translation>
        </message>
        <message>
            <source>{size}; sent as it is (Groq takes images up to 4 MB (base64) and 33 megapixels).</source>
            <translation>{size}; wird unverändert gesendet (Groq nimmt Bilder bis 4 MB (base64) und 33 Megapixel).</translation>
        </message>
    </context>
    <context>
        <name>BranchLink</name>
        <message>
            <source>Branched from a deleted message</source>
            <translation>Abgezweigt von einer gelöschten Nachricht</translation>
        </message>
        <message>
            <source>Branched from {title}</source>
            <translation>Abgezweigt von {title}</translation>
        </message>
        <message>
            <source>Open the original session at this message</source>
            <translation>Die ursprüngliche Sitzung an dieser Nachricht öffnen</translation>
        </message>
        <message>
            <source>Open the session this was branched from</source>
            <translation>Die Sitzung öffnen, von der hier abgezweigt wurde</translation>
        </message>
    </context>
    <context>
        <name>ChatService</name>
        <message numerus="yes">
            <source>(%n messages).</source>
            <translation>
                <numerusform>(%n Nachricht).</numerusform>
                <numerusform>(%n Nachrichten).</numerusform>
            </translation>
        </message>
        <message>
            <source>A session needs a name; kept the old one.</source>
            <translation>Eine Sitzung braucht einen Namen; der alte bleibt.</translation>
        </message>
        <message>
            <source>Add your Groq API key to start chatting.</source>
            <translation>Füge deinen Groq-API-Schlüssel hinzu, um zu chatten.</translation>
        </message>
        <message numerus="yes">
            <source>Imported %n sessions</source>
            <translation>
                <numerusform>%n Sitzung importiert</numerusform>
                <numerusform>%n Sitzungen importiert</numerusform>
            </translation>
        </message>
        <message>
            <source>Nothing new to import: every message in the file is here already.</source>
            <translation>Nichts Neues zu importieren: Jede Nachricht der Datei ist schon vorhanden.</translation>
        </message>
        <message>
            <source>Only a reply can be continued.</source>
            <translation>Nur eine Antwort kann fortgesetzt werden.</translation>
        </message>
        <message>
            <source>Only your own messages can be edited.</source>
            <translation>Nur deine eigenen Nachrichten können bearbeitet werden.</translation>
        </message>
        <message>
            <source>Stopped.</source>
            <translation>Angehalten.</translation>
        </message>
        <message>
            <source>That message is no longer in this session.</source>
            <translation>Diese Nachricht ist nicht mehr in dieser Sitzung.</translation>
        </message>
        <message>
            <source>That session is no longer here.</source>
            <translation>Diese Sitzung gibt es nicht mehr.</translation>
        </message>
        <message>
            <source>The app closed before this reply finished.</source>
            <translation>Die App wurde beendet, bevor diese Antwort fertig war.</translation>
        </message>
        <message>
            <source>There is no message to answer yet.</source>
            <translation>Es gibt noch keine Nachricht zu beantworten.</translation>
        </message>
        <message>
            <source>There is no reply to continue.</source>
            <translation>Es gibt keine Antwort zum Fortsetzen.</translation>
        </message>
        <message>
            <source>This message has a broken character (character {position}, often left by a bad copy and paste) that cannot be saved. Retype that part and send again.</source>
            <translation>Diese Nachricht enthält ein defektes Zeichen (Zeichen {position}, oft von fehlerhaftem Kopieren und Einfügen), das nicht gespeichert werden kann. Tippe diesen Teil neu und sende erneut.</translation>
        </message>
        <message>
            <source>This message is {length} characters long; the model reads at most about {limit}. Shorten it or send it in parts.</source>
            <translation>Diese Nachricht ist {length} Zeichen lang; das Modell liest höchstens etwa {limit}. Kürze sie oder sende sie in Teilen.</translation>
        </message>
        <message>
            <source>This reply answers no message, so it cannot be continued.</source>
            <translation>Diese Antwort gehört zu keiner Nachricht und kann daher nicht fortgesetzt werden.</translation>
        </message>
        <message>
            <source>Type a message first.</source>
            <translation>Schreib zuerst eine Nachricht.</translation>
        </message>
    </context>
    <context>
        <name>CommandPalette</name>
        <message>
            <source>Clear the search</source>
            <translation>Suche leeren</translation>
        </message>
        <message>
            <source>Command palette</source>
            <translation>Befehlspalette</translation>
        </message>
        <message>
            <source>Matching actions and sessions</source>
            <translation>Passende Aktionen und Sitzungen</translation>
        </message>
        <message>
            <source>Search actions and sessions</source>
            <translation>Aktionen und Sitzungen suchen</translation>
        </message>
        <message>
            <source>Type an action or a session…</source>
            <translation>Aktion oder Sitzung eingeben…</translation>
        </message>
        <message>
            <source>session</source>
            <translation>Sitzung</translation>
        </message>
    </context>
    <context>
        <name>Composer</name>
        <message>
            <source>Attach an image or a file</source>
            <translation>Ein Bild oder eine Datei anhängen</translation>
        </message>
        <message>
            <source>Attach images or files (or paste, or drop them on the window)</source>
            <translation>Bilder oder Dateien anhängen (oder einfügen oder aufs Fenster ziehen)</translation>
        </message>
        <message>
            <source>Ctrl+Enter to send, Enter for a new line</source>
            <translation>Strg+Eingabe sendet, Eingabe für eine neue Zeile</translation>
        </message>
        <message>
            <source>Enter to send, Shift+Enter for a new line</source>
            <translation>Eingabe sendet, Umschalt+Eingabe für eine neue Zeile</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Nachricht</translation>
        </message>
        <message>
            <source>Message the assistant…</source>
            <translation>Nachricht an den Assistenten…</translation>
        </message>
        <message>
            <source>Message the assistant…  (Enter to send, Shift+Enter for a new line)</source>
            <translation>Nachricht an den Assistenten…  (Eingabe sendet, Umschalt+Eingabe für eine neue Zeile)</translation>
        </message>
        <message>
            <source>Message the assistant…  ({keys})</source>
            <translation>Nachricht an den Assistenten…  ({keys})</translation>
        </message>
        <message>
            <source>Message…</source>
            <translation>Nachricht…</translation>
        </message>
        <message>
            <source>Not pasted: {length} characters, and a message holds {limit}.</source>
            <translation>Nicht eingefügt: {length} Zeichen, eine Nachricht fasst {limit}.</translation>
        </message>
        <message>
            <source>Send</source>
            <translation>Senden</translation>
        </message>
        <message>
            <source>Send (Ctrl+Enter)</source>
            <translation>Senden (Strg+Eingabe)</translation>
        </message>
        <message>
            <source>Send (Enter)</source>
            <translation>Senden (Eingabe)</translation>
        </message>
        <message>
            <source>Send message</source>
            <translation>Nachricht senden</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Stopp</translation>
        </message>
        <message>
            <source>Stop the reply</source>
            <translation>Antwort anhalten</translation>
        </message>
        <message>
            <source>Stop the reply (Esc)</source>
            <translation>Antwort anhalten (Esc)</translation>
        </message>
        <message>
            <source>Type a message. Enter sends, Shift+Enter adds a new line.</source>
            <translation>Schreib eine Nachricht. Eingabe sendet, Umschalt+Eingabe fügt eine neue Zeile ein.</translation>
        </message>
    </context>
    <context>
        <name>ConversationController</name>
        <message>
            <source>Branched into “{title}”.</source>
            <translation>Abgezweigt nach „{title}“.</translation>
        </message>
        <message>
            <source>Could not read {name}: {reason}.</source>
            <translation>{name} konnte nicht gelesen werden: {reason}.</translation>
        </message>
        <message>
            <source>Deleted the message and what followed it.</source>
            <translation>Die Nachricht und was darauf folgte wurden gelöscht.</translation>
        </message>
        <message>
            <source>Edit cancelled.</source>
            <translation>Bearbeiten abgebrochen.</translation>
        </message>
        <message>
            <source>Editing — Esc to cancel. Enter sends it as a new version.</source>
            <translation>Bearbeiten — Esc bricht ab. Eingabe sendet sie als neue Version.</translation>
        </message>
        <message>
            <source>Message restored.</source>
            <translation>Nachricht wiederhergestellt.</translation>
        </message>
        <message>
            <source>No message here has other versions.</source>
            <translation>Keine Nachricht hier hat andere Versionen.</translation>
        </message>
        <message>
            <source>This message is still being saved; try again in a moment.</source>
            <translation>Diese Nachricht wird noch gespeichert; versuche es gleich noch einmal.</translation>
        </message>
        <message>
            <source>Version {number} of {count}.</source>
            <translation>Version {number} von {count}.</translation>
        </message>
        <message>
            <source>Wait for the reply to finish, or press Esc to stop it.</source>
            <translation>Warte, bis die Antwort fertig ist, oder halte sie mit Esc an.</translation>
        </message>
        <message>
            <source>it is not UTF-8 text</source>
            <translation>es ist kein UTF-8-Text</translation>
        </message>
    </context>
    <context>
        <name>Export</name>
        <message>
            <source>damaged Desktop Chat export: an event follows one not in it</source>
            <translation>beschädigter Desktop-Chat-Export: ein Ereignis folgt einem, das fehlt</translation>
        </message>
        <message>
            <source>damaged Desktop Chat export: an event of another session</source>
            <translation>beschädigter Desktop-Chat-Export: ein Ereignis einer anderen Sitzung</translation>
        </message>
        <message>
            <source>damaged Desktop Chat export: an event's payload is not an object</source>
            <translation>beschädigter Desktop-Chat-Export: die Nutzdaten eines Ereignisses sind kein Objekt</translation>
        </message>
        <message>
            <source>damaged Desktop Chat export: expected text, got {kind}</source>
            <translation>beschädigter Desktop-Chat-Export: Text erwartet, {kind} erhalten</translation>
        </message>
        <message>
            <source>damaged Desktop Chat export: the shown branch ends outside it</source>
            <translation>beschädigter Desktop-Chat-Export: der gezeigte Zweig endet außerhalb</translation>
        </message>
        <message>
            <source>damaged Desktop Chat export: {reason}</source>
            <translation>beschädigter Desktop-Chat-Export: {reason}</translation>
        </message>
        <message>
            <source>not a Desktop Chat export (expected format {format})</source>
            <translation>kein Desktop-Chat-Export (erwartetes Format {format})</translation>
        </message>
        <message>
            <source>not a Desktop Chat export: {reason}</source>
            <translation>kein Desktop-Chat-Export: {reason}</translation>
        </message>
    </context>
    <context>
        <name>GlobalHotkey</name>
        <message>
            <source>Asking the desktop for {keys} (it may ask you to confirm).</source>
            <translation>Der Desktop wird um {keys} gebeten (er fragt vielleicht nach).</translation>
        </message>
        <message>
            <source>Bind the command `desktop-chat --quick-ask` to a key in your desktop's keyboard settings: it opens this app's quick-ask window.</source>
            <translation>Lege in den Tastatureinstellungen deines Desktops eine Taste für den Befehl `desktop-chat --quick-ask` fest: Er öffnet das Schnellfrage-Fenster dieser App.</translation>
        </message>
        <message>
            <source>No system-wide shortcut: {reason}. {advice}</source>
            <translation>Kein systemweites Tastenkürzel: {reason}. {advice}</translation>
        </message>
        <message>
            <source>Open Desktop Chat's quick-ask window</source>
            <translation>Das Schnellfrage-Fenster von Desktop Chat öffnen</translation>
        </message>
        <message>
            <source>Windows refused {keys} (error {code})</source>
            <translation>Windows hat {keys} abgelehnt (Fehler {code})</translation>
        </message>
        <message>
            <source>another program already uses {keys}</source>
            <translation>ein anderes Programm verwendet bereits {keys}</translation>
        </message>
        <message>
            <source>cannot reach the X server ({reason})</source>
            <translation>der X-Server ist nicht erreichbar ({reason})</translation>
        </message>
        <message>
            <source>jeepney (D-Bus) is not installed</source>
            <translation>jeepney (D-Bus) ist nicht installiert</translation>
        </message>
        <message>
            <source>macOS refused {keys} (error {code})</source>
            <translation>macOS hat {keys} abgelehnt (Fehler {code})</translation>
        </message>
        <message>
            <source>no D-Bus session bus ({reason})</source>
            <translation>kein D-Bus-Sitzungsbus ({reason})</translation>
        </message>
        <message>
            <source>python-xlib is not installed</source>
            <translation>python-xlib ist nicht installiert</translation>
        </message>
        <message>
            <source>system-wide shortcuts need X11 here; this session is not X11</source>
            <translation>systemweite Tastenkürzel brauchen hier X11; diese Sitzung ist kein X11</translation>
        </message>
        <message>
            <source>the desktop did not bind {keys}</source>
            <translation>der Desktop hat {keys} nicht belegt</translation>
        </message>
        <message>
            <source>the desktop portal could not bind it</source>
            <translation>das Desktop-Portal konnte es nicht belegen</translation>
        </message>
        <message>
            <source>the desktop portal did not answer ({reason})</source>
            <translation>das Desktop-Portal hat nicht geantwortet ({reason})</translation>
        </message>
        <message>
            <source>the desktop portal refused ({reason})</source>
            <translation>das Desktop-Portal hat abgelehnt ({reason})</translation>
        </message>
        <message>
            <source>the shortcut was declined in the desktop's dialog</source>
            <translation>das Tastenkürzel wurde im Dialog des Desktops abgelehnt</translation>
        </message>
        <message>
            <source>this desktop offers no system-wide shortcuts to apps</source>
            <translation>dieser Desktop bietet Apps keine systemweiten Tastenkürzel</translation>
        </message>
        <message>
            <source>this desktop's portal has no global shortcuts</source>
            <translation>das Portal dieses Desktops kennt keine globalen Tastenkürzel</translation>
        </message>
        <message>
            <source>this keyboard has no {key} key</source>
            <translation>diese Tastatur hat keine Taste {key}</translation>
        </message>
        <message>
            <source>{keys} needs Ctrl, Alt or Super with it (e.g. Ctrl+Alt+Space): without one it would be taken from every program.</source>
            <translation>{keys} braucht Strg, Alt oder Super dazu (z. B. Strg+Alt+Leertaste): sonst würde es jedem Programm weggenommen.</translation>
        </message>
        <message>
            <source>{keys} opens the quick-ask window from anywhere; Settings → Keyboard changes it.</source>
            <translation>{keys} öffnet das Schnellfrage-Fenster von überall; Einstellungen → Tastatur ändert es.</translation>
        </message>
        <message>
            <source>“{keys}” is not a key with modifiers, e.g. Ctrl+Alt+Space.</source>
            <translation>„{keys}“ ist keine Taste mit Umschalttasten, z. B. Strg+Alt+Leertaste.</translation>
        </message>
        <message>
            <source>“{key}” is not a key this shortcut can use.</source>
            <translation>„{key}“ ist keine Taste, die dieses Kürzel verwenden kann.</translation>
        </message>
    </context>
    <context>
        <name>GroqClient</name>
        <message numerus="yes">
            <source>%n hours</source>
            <translation>
                <numerusform>%n Stunde</numerusform>
                <numerusform>%n Stunden</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n minutes</source>
            <translation>
                <numerusform>%n Minute</numerusform>
                <numerusform>%n Minuten</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n seconds</source>
            <translation>
                <numerusform>%n Sekunde</numerusform>
                <numerusform>%n Sekunden</numerusform>
            </translation>
        </message>
        <message>
            <source>Could not reach Groq within {wait}. Check your internet connection.</source>
            <translation>Groq war innerhalb von {wait} nicht erreichbar. Prüfe deine Internetverbindung.</translation>
        </message>
        <message>
            <source>Could not reach Groq. Check your internet connection.</source>
            <translation>Groq ist nicht erreichbar. Prüfe deine Internetverbindung.</translation>
        </message>
        <message>
            <source>Groq did not answer in time. Try again in a moment.</source>
            <translation>Groq hat nicht rechtzeitig geantwortet. Versuche es gleich noch einmal.</translation>
        </message>
        <message>
            <source>Groq did not answer within {wait}. Try again in a moment.</source>
            <translation>Groq hat innerhalb von {wait} nicht geantwortet. Versuche es gleich noch einmal.</translation>
        </message>
        <message>
            <source>Groq is having trouble right now (error {status}). Try again in a moment.</source>
            <translation>Groq hat gerade Probleme (Fehler {status}). Versuche es gleich noch einmal.</translation>
        </message>
        <message>
            <source>Groq is over capacity right now (error 498). Try again in a moment.</source>
            <translation>Groq ist gerade ausgelastet (Fehler 498). Versuche es gleich noch einmal.</translation>
        </message>
        <message>
            <source>Groq refused the request (error {status}).</source>
            <translation>Groq hat die Anfrage abgelehnt (Fehler {status}).</translation>
        </message>
        <message>
            <source>Groq refused the request (error {status}): {detail}</source>
            <translation>Groq hat die Anfrage abgelehnt (Fehler {status}): {detail}</translation>
        </message>
        <message>
            <source>Groq rejected the API key. Check it in Settings → API key.</source>
            <translation>Groq hat den API-Schlüssel abgelehnt. Prüfe ihn unter Einstellungen → API-Schlüssel.</translation>
        </message>
        <message>
            <source>Groq sent a reply the app could not read ({what}). The text up to there is kept.</source>
            <translation>Groq hat eine Antwort geschickt, die die App nicht lesen konnte ({what}). Der Text bis dahin bleibt erhalten.</translation>
        </message>
        <message>
            <source>Groq sent a reply the app could not read.</source>
            <translation>Groq hat eine Antwort geschickt, die die App nicht lesen konnte.</translation>
        </message>
        <message>
            <source>Groq stopped the reply because of an error on its side.</source>
            <translation>Groq hat die Antwort wegen eines Fehlers auf seiner Seite abgebrochen.</translation>
        </message>
        <message>
            <source>Groq stopped the reply: {detail}</source>
            <translation>Groq hat die Antwort abgebrochen: {detail}</translation>
        </message>
        <message>
            <source>Groq timed out handling the request (error 408). Try again.</source>
            <translation>Groq hat bei der Anfrage eine Zeitüberschreitung gemeldet (Fehler 408). Versuche es erneut.</translation>
        </message>
        <message>
            <source>Groq's rate limit was reached. Try again in {wait}.</source>
            <translation>Groqs Anfragelimit ist erreicht. Versuche es in {wait} erneut.</translation>
        </message>
        <message>
            <source>Groq's rate limit was reached. Wait a moment and try again.</source>
            <translation>Groqs Anfragelimit ist erreicht. Warte einen Moment und versuche es erneut.</translation>
        </message>
        <message>
            <source>No Groq API key is set. Add one in Settings → API key.</source>
            <translation>Kein Groq-API-Schlüssel gesetzt. Füge einen unter Einstellungen → API-Schlüssel hinzu.</translation>
        </message>
        <message>
            <source>The Groq API key contains characters a key cannot have. Check it in Settings → API key.</source>
            <translation>Der Groq-API-Schlüssel enthält Zeichen, die ein Schlüssel nicht haben kann. Prüfe ihn unter Einstellungen → API-Schlüssel.</translation>
        </message>
        <message>
            <source>The connection to Groq was lost before the reply finished.</source>
            <translation>Die Verbindung zu Groq brach ab, bevor die Antwort fertig war.</translation>
        </message>
        <message>
            <source>The connection to Groq was lost.</source>
            <translation>Die Verbindung zu Groq ist abgebrochen.</translation>
        </message>
        <message>
            <source>The reply stalled: Groq sent no text for {wait}.</source>
            <translation>Die Antwort stockt: Groq hat {wait} lang keinen Text geschickt.</translation>
        </message>
        <message>
            <source>The reply stalled: Groq sent nothing for {wait}.</source>
            <translation>Die Antwort stockt: Groq hat {wait} lang nichts geschickt.</translation>
        </message>
        <message>
            <source>The reply was stopped at {limit} characters, the most one reply may hold. The text up to there is kept.</source>
            <translation>Die Antwort wurde bei {limit} Zeichen angehalten, dem Höchstmaß für eine Antwort. Der Text bis dahin bleibt erhalten.</translation>
        </message>
        <message>
            <source>{count} seconds</source>
            <translation>{count} Sekunden</translation>
        </message>
    </context>
    <context>
        <name>Import</name>
        <message>
            <source>A ChatGPT conversation's 'mapping' is not an object.</source>
            <translation>Das 'mapping' eines ChatGPT-Gesprächs ist kein Objekt.</translation>
        </message>
        <message>
            <source>This conversations.json holds a conversation with neither 'mapping' (ChatGPT) nor 'chat_messages' (Claude).</source>
            <translation>Diese conversations.json enthält ein Gespräch ohne 'mapping' (ChatGPT) und ohne 'chat_messages' (Claude).</translation>
        </message>
        <message>
            <source>This file is not JSON ({reason} at line {line}).</source>
            <translation>Diese Datei ist kein JSON ({reason} in Zeile {line}).</translation>
        </message>
        <message>
            <source>This file is not an export Desktop Chat can read: expected a Desktop Chat export ({format}) or a conversations.json from ChatGPT or Claude.</source>
            <translation>Diese Datei ist kein Export, den Desktop Chat lesen kann: Erwartet wird ein Desktop-Chat-Export ({format}) oder eine conversations.json von ChatGPT oder Claude.</translation>
        </message>
    </context>
    <context>
        <name>KeyDestination</name>
        <message>
            <source>Don't send</source>
            <translation>Nicht senden</translation>
        </message>
        <message>
            <source>GROQ_BASE_URL sends requests to {new}, but your saved Groq key was saved for {old}.

Send your key and your messages to the new address? If you did not set GROQ_BASE_URL yourself, choose “Don't send”: Desktop Chat then starts without the key, and your key stays in the keychain.</source>
            <translation>GROQ_BASE_URL schickt Anfragen an {new}, aber dein gespeicherter Groq-Schlüssel wurde für {old} gespeichert.

Deinen Schlüssel und deine Nachrichten an die neue Adresse senden? Wenn du GROQ_BASE_URL nicht selbst gesetzt hast, wähle „Nicht senden“: Desktop Chat startet dann ohne den Schlüssel, und dein Schlüssel bleibt im Schlüsselbund.</translation>
        </message>
        <message>
            <source>Send the key there</source>
            <translation>Schlüssel dorthin senden</translation>
        </message>
        <message>
            <source>Send your key to another server?</source>
            <translation>Schlüssel an einen anderen Server senden?</translation>
        </message>
    </context>
    <context>
        <name>KeyboardSettings</name>
        <message>
            <source>Action</source>
            <translation>Aktion</translation>
        </message>
        <message>
            <source>Also {keys}</source>
            <translation>Auch {keys}</translation>
        </message>
        <message>
            <source>Clear the keys for {action}</source>
            <translation>Tasten für {action} leeren</translation>
        </message>
        <message>
            <source>Click a key box and press the new keys. Reset puts the default back.</source>
            <translation>Klick in ein Tastenfeld und drück die neuen Tasten. „Standard“ stellt die Vorgabe wieder her.</translation>
        </message>
        <message>
            <source>Default</source>
            <translation>Vorgabe</translation>
        </message>
        <message>
            <source>Keyboard shortcut problems</source>
            <translation>Probleme mit Tastenkürzeln</translation>
        </message>
        <message>
            <source>Keys for {action}</source>
            <translation>Tasten für {action}</translation>
        </message>
        <message>
            <source>Opens the quick-ask window from any program, even with this window hidden.</source>
            <translation>Öffnet das Schnellfrage-Fenster aus jedem Programm, auch wenn dieses Fenster verborgen ist.</translation>
        </message>
        <message>
            <source>Quick ask: {problem}.</source>
            <translation>Schnellfrage: {problem}.</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Standard</translation>
        </message>
        <message>
            <source>Reset the keys for {action}</source>
            <translation>Tasten für {action} zurücksetzen</translation>
        </message>
        <message>
            <source>System-wide: works in every program</source>
            <translation>Systemweit: wirkt in jedem Programm</translation>
        </message>
        <message>
            <source>The quick-ask window needs a system-wide key: press one.</source>
            <translation>Das Schnellfrage-Fenster braucht eine systemweite Taste: drücken Sie eine.</translation>
        </message>
        <message>
            <source>This desktop gives apps no system-wide shortcuts: Settings → Desktop says how to bind one yourself.</source>
            <translation>Dieser Desktop gibt Apps keine systemweiten Tastenkürzel: Einstellungen → Desktop sagt, wie Sie selbst eines belegen.</translation>
        </message>
        <message>
            <source>Your keys</source>
            <translation>Deine Tasten</translation>
        </message>
        <message>
            <source>open the quick-ask window</source>
            <translation>Schnellfrage-Fenster öffnen</translation>
        </message>
        <message>
            <source>{key} is set for “{action}” too</source>
            <translation>{key} ist auch für „{action}“ gesetzt</translation>
        </message>
    </context>
    <context>
        <name>LinkOpener</name>
        <message>
            <source>Open this link?</source>
            <translation>Diesen Link öffnen?</translation>
        </message>
        <message>
            <source>Open {host}</source>
            <translation>{host} öffnen</translation>
        </message>
        <message>
            <source>The link’s text reads “{name}”, but it opens {host}.

{url}</source>
            <translation>Der Text des Links lautet „{name}“, aber er öffnet {host}.

{url}</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Change API key</source>
            <translation>API-Schlüssel ändern</translation>
        </message>
        <message>
            <source>Change API key…</source>
            <translation>API-Schlüssel ändern…</translation>
        </message>
        <message>
            <source>Show / hide the sessions (Ctrl+B)</source>
            <translation>Sitzungen ein-/ausblenden (Strg+B)</translation>
        </message>
        <message>
            <source>Show or hide the sidebar</source>
            <translation>Seitenleiste ein- oder ausblenden</translation>
        </message>
        <message>
            <source>Something went wrong: {error}. Your text is kept.</source>
            <translation>Etwas ist schiefgegangen: {error}. Dein Text bleibt erhalten.</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>Rückgängig</translation>
        </message>
        <message>
            <source>Undo delete</source>
            <translation>Löschen rückgängig machen</translation>
        </message>
        <message>
            <source>{error} Your text is kept.</source>
            <translation>{error} Dein Text bleibt erhalten.</translation>
        </message>
    </context>
    <context>
        <name>Markdown</name>
        <message>
            <source>[image: {name}]</source>
            <translation>[Bild: {name}]</translation>
        </message>
    </context>
    <context>
        <name>Prices</name>
        <message>
            <source>cost unknown</source>
            <translation>Kosten unbekannt</translation>
        </message>
    </context>
    <context>
        <name>QuickAsk</name>
        <message>
            <source>Add a Groq API key in the main window first (Settings).</source>
            <translation>Füge zuerst im Hauptfenster einen Groq-API-Schlüssel hinzu (Einstellungen).</translation>
        </message>
        <message>
            <source>Answer</source>
            <translation>Antwort</translation>
        </message>
        <message>
            <source>Ask anything…  Enter asks, Esc closes</source>
            <translation>Frag etwas…  Eingabe fragt, Esc schließt</translation>
        </message>
        <message>
            <source>Enter asks a follow-up; “Open in main window” continues there.</source>
            <translation>Eingabe stellt eine Folgefrage; „Im Hauptfenster öffnen“ macht dort weiter.</translation>
        </message>
        <message>
            <source>Interrupted: an unexpected error stopped the reply.</source>
            <translation>Unterbrochen: Ein unerwarteter Fehler hat die Antwort angehalten.</translation>
        </message>
        <message>
            <source>Interrupted: the reply did not finish.</source>
            <translation>Unterbrochen: Die Antwort wurde nicht fertig.</translation>
        </message>
        <message>
            <source>Open in main window</source>
            <translation>Im Hauptfenster öffnen</translation>
        </message>
        <message>
            <source>Open this question in the main window</source>
            <translation>Diese Frage im Hauptfenster öffnen</translation>
        </message>
        <message>
            <source>Question</source>
            <translation>Frage</translation>
        </message>
        <message>
            <source>Quick ask</source>
            <translation>Schnellfrage</translation>
        </message>
        <message>
            <source>Quick ask — {app}</source>
            <translation>Schnellfrage — {app}</translation>
        </message>
        <message>
            <source>Replying…  (Esc hides this window; the answer is kept)</source>
            <translation>Antwort läuft…  (Esc blendet dieses Fenster aus; die Antwort bleibt erhalten)</translation>
        </message>
        <message>
            <source>Stopped: the reply was cut short.</source>
            <translation>Angehalten: Die Antwort wurde abgebrochen.</translation>
        </message>
        <message>
            <source>The answer did not arrive. Press Enter to ask again.</source>
            <translation>Die Antwort ist nicht angekommen. Drück die Eingabetaste, um erneut zu fragen.</translation>
        </message>
        <message>
            <source>Wait for this answer to finish.</source>
            <translation>Warte, bis diese Antwort fertig ist.</translation>
        </message>
    </context>
    <context>
        <name>RateLimit</name>
        <message>
            <source>Automatic retry cancelled.</source>
            <translation>Automatische Wiederholung abgebrochen.</translation>
        </message>
        <message>
            <source>Cancel retry</source>
            <translation>Wiederholung abbrechen</translation>
        </message>
        <message>
            <source>Cancel the automatic retry</source>
            <translation>Die automatische Wiederholung abbrechen</translation>
        </message>
        <message>
            <source>Groq's rate limit was reached — retrying in {wait}…</source>
            <translation>Groqs Anfragelimit ist erreicht — neuer Versuch in {wait}…</translation>
        </message>
        <message>
            <source>Groq's rate limit was reached. Press Retry (Ctrl+R) when you are ready.</source>
            <translation>Groqs Anfragelimit ist erreicht. Drück Wiederholen (Strg+R), wenn du so weit bist.</translation>
        </message>
        <message>
            <source>Rate limited — retrying in {wait}. Type or press Esc to cancel.</source>
            <translation>Anfragelimit — neuer Versuch in {wait}. Tippe oder drück Esc zum Abbrechen.</translation>
        </message>
        <message>
            <source>Retrying now…</source>
            <translation>Neuer Versuch läuft…</translation>
        </message>
        <message>
            <source>{count} s</source>
            <translation>{count} s</translation>
        </message>
    </context>
    <context>
        <name>ReasoningSettings</name>
        <message>
            <source>Answers messages sent with “Search the web” (gpt-oss searches itself).</source>
            <translation>Beantwortet Nachrichten, die mit „Im Web suchen“ gesendet werden (gpt-oss sucht selbst).</translation>
        </message>
        <message>
            <source>Reasoning effort</source>
            <translation>Denkaufwand</translation>
        </message>
        <message>
            <source>Reasoning efforts</source>
            <translation>Denkaufwände</translation>
        </message>
        <message>
            <source>Web search models</source>
            <translation>Modelle für die Websuche</translation>
        </message>
        <message>
            <source>Web search with</source>
            <translation>Websuche mit</translation>
        </message>
        <message>
            <source>gpt-oss models: how long they think before answering.</source>
            <translation>gpt-oss-Modelle: wie lange sie vor der Antwort nachdenken.</translation>
        </message>
    </context>
    <context>
        <name>ReplyController</name>
        <message>
            <source>Change the key (Settings → API key), then press Retry.</source>
            <translation>Ändere den Schlüssel (Einstellungen → API-Schlüssel) und drück dann Wiederholen.</translation>
        </message>
        <message>
            <source>Copied the last reply.</source>
            <translation>Letzte Antwort kopiert.</translation>
        </message>
        <message>
            <source>Copied.</source>
            <translation>Kopiert.</translation>
        </message>
        <message>
            <source>Interrupted: an unexpected error stopped the reply.</source>
            <translation>Unterbrochen: Ein unerwarteter Fehler hat die Antwort angehalten.</translation>
        </message>
        <message>
            <source>Interrupted: the reply did not finish.</source>
            <translation>Unterbrochen: Die Antwort wurde nicht fertig.</translation>
        </message>
        <message>
            <source>Not queued any more. Press Enter to send it.</source>
            <translation>Nicht mehr eingereiht. Drück die Eingabetaste, um sie zu senden.</translation>
        </message>
        <message>
            <source>Not queued any more: the message was edited.</source>
            <translation>Nicht mehr eingereiht: Die Nachricht wurde bearbeitet.</translation>
        </message>
        <message>
            <source>Not sent yet: the reply did not finish. Press Enter to send it.</source>
            <translation>Noch nicht gesendet: Die Antwort wurde nicht fertig. Drück die Eingabetaste, um sie zu senden.</translation>
        </message>
        <message>
            <source>Press Retry or Ctrl+R to try again.</source>
            <translation>Drück Wiederholen oder Strg+R, um es erneut zu versuchen.</translation>
        </message>
        <message>
            <source>Queued — sends when the reply finishes (Esc or editing cancels).</source>
            <translation>Eingereiht — wird gesendet, wenn die Antwort fertig ist (Esc oder Bearbeiten bricht ab).</translation>
        </message>
        <message>
            <source>Reply finished: {opening}</source>
            <translation>Antwort fertig: {opening}</translation>
        </message>
        <message>
            <source>Replying…  (Esc to stop)</source>
            <translation>Antwort läuft…  (Esc hält an)</translation>
        </message>
        <message>
            <source>Replying… {rate} tokens/s  (Esc to stop)</source>
            <translation>Antwort läuft… {rate} Token/s  (Esc hält an)</translation>
        </message>
        <message>
            <source>Stopped. What arrived is kept.</source>
            <translation>Angehalten. Was angekommen ist, bleibt erhalten.</translation>
        </message>
        <message>
            <source>Stopped: the reply was cut short.</source>
            <translation>Angehalten: Die Antwort wurde abgebrochen.</translation>
        </message>
        <message>
            <source>What arrived is kept. Ask for a shorter part to go on.</source>
            <translation>Was angekommen ist, bleibt erhalten. Bitte um einen kürzeren Teil, um weiterzumachen.</translation>
        </message>
        <message>
            <source>{count} in prompt</source>
            <translation>{count} im Prompt</translation>
        </message>
        <message numerus="yes">
            <source>{count} tokens</source>
            <translation>
                <numerusform>{count} Token</numerusform>
                <numerusform>{count} Token</numerusform>
            </translation>
        </message>
        <message>
            <source>{rate} tokens/s</source>
            <translation>{rate} Token/s</translation>
        </message>
    </context>
    <context>
        <name>ReplyExtras</name>
        <message>
            <source>No reply here shows its thinking.</source>
            <translation>Keine Antwort hier zeigt ihr Nachdenken.</translation>
        </message>
        <message>
            <source>Web search off: the next messages are answered from the model alone.</source>
            <translation>Websuche aus: Die nächsten Nachrichten beantwortet das Modell allein.</translation>
        </message>
    </context>
    <context>
        <name>SessionActions</name>
        <message>
            <source>Conversations (*.json);;All files (*)</source>
            <translation>Gespräche (*.json);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>Could not write {path}: {reason}.</source>
            <translation>{path} konnte nicht geschrieben werden: {reason}.</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Löschen</translation>
        </message>
        <message>
            <source>Delete session</source>
            <translation>Sitzung löschen</translation>
        </message>
        <message>
            <source>Delete “{title}”? You can undo this for a few seconds.</source>
            <translation>„{title}“ löschen? Du kannst das einige Sekunden lang rückgängig machen.</translation>
        </message>
        <message>
            <source>Deleted “{title}”.</source>
            <translation>„{title}“ gelöscht.</translation>
        </message>
        <message>
            <source>Delete…  (Delete)</source>
            <translation>Löschen…  (Entf)</translation>
        </message>
        <message>
            <source>Export as JSON…</source>
            <translation>Als JSON exportieren…</translation>
        </message>
        <message>
            <source>Export as Markdown…</source>
            <translation>Als Markdown exportieren…</translation>
        </message>
        <message>
            <source>Export session</source>
            <translation>Sitzung exportieren</translation>
        </message>
        <message>
            <source>Exported to {path}.</source>
            <translation>Exportiert nach {path}.</translation>
        </message>
        <message>
            <source>Import conversations</source>
            <translation>Gespräche importieren</translation>
        </message>
        <message>
            <source>Import…</source>
            <translation>Importieren…</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON (*.json)</translation>
        </message>
        <message>
            <source>Markdown (*.md)</source>
            <translation>Markdown (*.md)</translation>
        </message>
        <message>
            <source>New name:</source>
            <translation>Neuer Name:</translation>
        </message>
        <message>
            <source>Open a session to export it.</source>
            <translation>Öffne eine Sitzung, um sie zu exportieren.</translation>
        </message>
        <message>
            <source>Rename session</source>
            <translation>Sitzung umbenennen</translation>
        </message>
        <message>
            <source>Renamed to “{title}”.</source>
            <translation>Umbenannt in „{title}“.</translation>
        </message>
        <message>
            <source>Rename…  (F2)</source>
            <translation>Umbenennen…  (F2)</translation>
        </message>
        <message>
            <source>Restored.</source>
            <translation>Wiederhergestellt.</translation>
        </message>
        <message>
            <source>Session actions</source>
            <translation>Sitzungsaktionen</translation>
        </message>
        <message>
            <source>Undo is beside the status line for a few seconds.</source>
            <translation>„Rückgängig“ steht für ein paar Sekunden neben der Statuszeile.</translation>
        </message>
        <message>
            <source>this session</source>
            <translation>diese Sitzung</translation>
        </message>
    </context>
    <context>
        <name>SessionController</name>
        <message>
            <source>A reply is still streaming: wait for it, or press Esc to stop it, before ending the session.</source>
            <translation>Eine Antwort läuft noch: Warte auf sie oder halte sie mit Esc an, bevor du die Sitzung beendest.</translation>
        </message>
        <message>
            <source>A reply is still streaming: wait for it, or press Esc to stop it, before starting a new session.</source>
            <translation>Eine Antwort läuft noch: Warte auf sie oder halte sie mit Esc an, bevor du eine neue Sitzung beginnst.</translation>
        </message>
        <message>
            <source>A reply is still streaming: wait for it, or press Esc to stop it, before switching sessions.</source>
            <translation>Eine Antwort läuft noch: Warte auf sie oder halte sie mit Esc an, bevor du die Sitzung wechselst.</translation>
        </message>
        <message>
            <source>Could not summarize the session: {error}</source>
            <translation>Die Sitzung konnte nicht zusammengefasst werden: {error}</translation>
        </message>
        <message>
            <source>New chat</source>
            <translation>Neuer Chat</translation>
        </message>
        <message>
            <source>New session.</source>
            <translation>Neue Sitzung.</translation>
        </message>
        <message>
            <source>Session ended and summarized. Your next message starts a new session.</source>
            <translation>Sitzung beendet und zusammengefasst. Deine nächste Nachricht beginnt eine neue Sitzung.</translation>
        </message>
        <message>
            <source>Summarizing the session…</source>
            <translation>Sitzung wird zusammengefasst…</translation>
        </message>
        <message>
            <source>The session this was branched from has been deleted.</source>
            <translation>Die Sitzung, von der hier abgezweigt wurde, ist gelöscht.</translation>
        </message>
        <message>
            <source>This session was ended; sending continues it with its summary in mind.</source>
            <translation>Diese Sitzung wurde beendet; Senden setzt sie mit ihrer Zusammenfassung im Hinterkopf fort.</translation>
        </message>
    </context>
    <context>
        <name>SessionPanel</name>
        <message>
            <source> · ended</source>
            <translation> · beendet</translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>vor %n Min.</numerusform>
                <numerusform>vor %n Min.</numerusform>
            </translation>
        </message>
        <message>
            <source>+ New</source>
            <translation>+ Neu</translation>
        </message>
        <message>
            <source>Clear search</source>
            <translation>Suche leeren</translation>
        </message>
        <message>
            <source>End session</source>
            <translation>Sitzung beenden</translation>
        </message>
        <message>
            <source>End session</source>
            <comment>button</comment>
            <translation>Beenden</translation>
        </message>
        <message>
            <source>Matches the title</source>
            <translation>Treffer im Titel</translation>
        </message>
        <message>
            <source>More session actions</source>
            <translation>Weitere Sitzungsaktionen</translation>
        </message>
        <message>
            <source>New session</source>
            <translation>Neue Sitzung</translation>
        </message>
        <message>
            <source>No matches for “{query}”.</source>
            <translation>Keine Treffer für „{query}“.</translation>
        </message>
        <message>
            <source>No matches.</source>
            <translation>Keine Treffer.</translation>
        </message>
        <message>
            <source>Rename, export or delete the selected session</source>
            <translation>Gewählte Sitzung umbenennen, exportieren oder löschen</translation>
        </message>
        <message>
            <source>Search results</source>
            <translation>Suchergebnisse</translation>
        </message>
        <message>
            <source>Search sessions</source>
            <translation>Sitzungen durchsuchen</translation>
        </message>
        <message>
            <source>Search sessions  (Ctrl+K)</source>
            <translation>Suchen  (Strg+K)</translation>
        </message>
        <message>
            <source>Sessions</source>
            <translation>Sitzungen</translation>
        </message>
        <message>
            <source>Start a new session (Ctrl+N)</source>
            <translation>Neue Sitzung beginnen (Strg+N)</translation>
        </message>
        <message>
            <source>Summarize this session and start a fresh one (Ctrl+E)</source>
            <translation>Diese Sitzung zusammenfassen und eine neue beginnen (Strg+E)</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>gerade eben</translation>
        </message>
        <message>
            <source>title</source>
            <translation>Titel</translation>
        </message>
        <message numerus="yes">
            <source>{count} matches</source>
            <translation>
                <numerusform>{count} Treffer</numerusform>
                <numerusform>{count} Treffer</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <source> interactions</source>
            <translation> Interaktionen</translation>
        </message>
        <message numerus="yes">
            <source>%n models available.</source>
            <translation>
                <numerusform>%n Modell verfügbar.</numerusform>
                <numerusform>%n Modelle verfügbar.</numerusform>
            </translation>
        </message>
        <message>
            <source>A new language is used from the next start of Desktop Chat.</source>
            <translation>Eine neue Sprache gilt ab dem nächsten Start von Desktop Chat.</translation>
        </message>
        <message>
            <source>API key</source>
            <translation>API-Schlüssel</translation>
        </message>
        <message>
            <source>API key status</source>
            <translation>Status des API-Schlüssels</translation>
        </message>
        <message>
            <source>Account</source>
            <translation>Konto</translation>
        </message>
        <message>
            <source>Appearance</source>
            <translation>Darstellung</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>Change API key</source>
            <translation>API-Schlüssel ändern</translation>
        </message>
        <message>
            <source>Change API key…</source>
            <translation>API-Schlüssel ändern…</translation>
        </message>
        <message>
            <source>Conversation</source>
            <translation>Gespräch</translation>
        </message>
        <message>
            <source>Could not load the model list; type a model id.</source>
            <translation>Die Modellliste konnte nicht geladen werden; gib eine Modell-ID ein.</translation>
        </message>
        <message>
            <source>Ctrl+/ shows every keyboard shortcut; Keyboard changes them.</source>
            <translation>Strg+/ zeigt alle Tastenkürzel; unter Tastatur änderst du sie.</translation>
        </message>
        <message>
            <source>Ctrl+Enter sends, Enter adds a line</source>
            <translation>Strg+Eingabe sendet, Eingabe fügt eine Zeile ein</translation>
        </message>
        <message>
            <source>Dark</source>
            <translation>Dunkel</translation>
        </message>
        <message>
            <source>Desktop</source>
            <translation>Desktop</translation>
        </message>
        <message>
            <source>Empty: use the prompt above</source>
            <translation>Leer: den Prompt oben verwenden</translation>
        </message>
        <message>
            <source>Enter sends, Shift+Enter adds a line</source>
            <translation>Eingabe sendet, Umschalt+Eingabe fügt eine Zeile ein</translation>
        </message>
        <message>
            <source>Follow system</source>
            <translation>Wie das System</translation>
        </message>
        <message>
            <source>Font size</source>
            <translation>Schriftgröße</translation>
        </message>
        <message>
            <source>How many earlier interactions (a message and its reply) the model sees.</source>
            <translation>Wie viele frühere Interaktionen (eine Nachricht und ihre Antwort) das Modell sieht.</translation>
        </message>
        <message>
            <source>Keep running in the tray when the window is closed</source>
            <translation>Im Infobereich weiterlaufen, wenn das Fenster geschlossen wird</translation>
        </message>
        <message>
            <source>Keyboard</source>
            <translation>Tastatur</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Sprache</translation>
        </message>
        <message>
            <source>Languages</source>
            <translation>Sprachen</translation>
        </message>
        <message>
            <source>Light</source>
            <translation>Hell</translation>
        </message>
        <message>
            <source>Loading Groq's model list…</source>
            <translation>Groqs Modellliste wird geladen…</translation>
        </message>
        <message>
            <source>Lower is more focused, higher more varied.</source>
            <translation>Niedriger ist fokussierter, höher abwechslungsreicher.</translation>
        </message>
        <message>
            <source>Memory</source>
            <translation>Gedächtnis</translation>
        </message>
        <message>
            <source>Memory size in interactions</source>
            <translation>Gedächtnisgröße in Interaktionen</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <source>Model name</source>
            <translation>Modellname</translation>
        </message>
        <message>
            <source>Models</source>
            <translation>Modelle</translation>
        </message>
        <message>
            <source>No API key yet: past sessions can be read; add a key to chat.</source>
            <translation>Noch kein API-Schlüssel: Frühere Sitzungen sind lesbar; füge einen Schlüssel hinzu, um zu chatten.</translation>
        </message>
        <message>
            <source>Open a session to give it its own prompt</source>
            <translation>Öffne eine Sitzung, um ihr einen eigenen Prompt zu geben</translation>
        </message>
        <message>
            <source>Quick ask</source>
            <translation>Schnellfrage</translation>
        </message>
        <message>
            <source>Read aloud speaks replies in this voice (Groq's Orpheus).</source>
            <translation>Vorlesen spricht Antworten mit dieser Stimme (Groqs Orpheus).</translation>
        </message>
        <message>
            <source>Read-aloud voice</source>
            <translation>Vorlesestimme</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>Einstellungen speichern</translation>
        </message>
        <message>
            <source>Send key</source>
            <translation>Sendetaste</translation>
        </message>
        <message>
            <source>Send keys</source>
            <translation>Sendetasten</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Settings sections</source>
            <translation>Einstellungsbereiche</translation>
        </message>
        <message>
            <source>System prompt</source>
            <translation>System-Prompt</translation>
        </message>
        <message>
            <source>System prompt for all sessions</source>
            <translation>System-Prompt für alle Sitzungen</translation>
        </message>
        <message>
            <source>System prompt for this session</source>
            <translation>System-Prompt für diese Sitzung</translation>
        </message>
        <message>
            <source>Temperature</source>
            <translation>Temperatur</translation>
        </message>
        <message>
            <source>Temperature slider</source>
            <translation>Temperatur-Schieberegler</translation>
        </message>
        <message>
            <source>The system keychain refused the key ({reason}), so it will be used for this run only. To keep it, set GROQ_API_KEY in a .env file in {folder}.</source>
            <translation>Der Schlüsselbund des Systems hat den Schlüssel abgelehnt ({reason}), daher gilt er nur bis zum Beenden der App. Um ihn zu behalten, setze GROQ_API_KEY in einer .env-Datei in {folder}.</translation>
        </message>
        <message>
            <source>Theme</source>
            <translation>Farbschema</translation>
        </message>
        <message>
            <source>Themes</source>
            <translation>Farbschemata</translation>
        </message>
        <message>
            <source>This desktop has no system tray.</source>
            <translation>Dieser Desktop hat keinen Infobereich.</translation>
        </message>
        <message>
            <source>This session's prompt</source>
            <translation>Prompt dieser Sitzung</translation>
        </message>
        <message>
            <source>This system has no keychain to keep the key in, so it will be used for this run only. To keep it, set GROQ_API_KEY in a .env file in {folder} (readable only by you).</source>
            <translation>Dieses System hat keinen Schlüsselbund für den Schlüssel, daher gilt er nur bis zum Beenden der App. Um ihn zu behalten, setze GROQ_API_KEY in einer .env-Datei in {folder} (nur für dich lesbar).</translation>
        </message>
        <message>
            <source>Tray</source>
            <translation>Infobereich</translation>
        </message>
        <message>
            <source>Using the key Desktop Chat was started with.</source>
            <translation>Der Schlüssel, mit dem Desktop Chat gestartet wurde, wird verwendet.</translation>
        </message>
        <message>
            <source>Using the key from GROQ_API_KEY (the environment or a .env file). A key typed here is used instead until the app restarts.</source>
            <translation>Der Schlüssel aus GROQ_API_KEY (Umgebung oder .env-Datei) wird verwendet. Ein hier eingegebener Schlüssel gilt stattdessen bis zum Neustart der App.</translation>
        </message>
        <message>
            <source>Using the key saved in your system keychain.</source>
            <translation>Der im Schlüsselbund deines Systems gespeicherte Schlüssel wird verwendet.</translation>
        </message>
        <message>
            <source>Using the key you typed, saved in your system keychain.</source>
            <translation>Der eingegebene Schlüssel wird verwendet, gespeichert im Schlüsselbund deines Systems.</translation>
        </message>
        <message>
            <source>Using the key you typed; this system has no keychain, so it is kept for this run only.</source>
            <translation>Der eingegebene Schlüssel wird verwendet; dieses System hat keinen Schlüsselbund, daher gilt er nur für diese Sitzung der App.</translation>
        </message>
        <message>
            <source>Voice</source>
            <translation>Stimme</translation>
        </message>
        <message>
            <source>Voices</source>
            <translation>Stimmen</translation>
        </message>
    </context>
    <context>
        <name>SettingsController</name>
        <message>
            <source>Add an API key to see Groq's models.</source>
            <translation>Füge einen API-Schlüssel hinzu, um Groqs Modelle zu sehen.</translation>
        </message>
        <message>
            <source>GROQ_API_KEY is set, so it is used again at the next start: change it there too to keep the new key.</source>
            <translation>GROQ_API_KEY ist gesetzt und wird daher beim nächsten Start wieder verwendet: Ändere ihn auch dort, um den neuen Schlüssel zu behalten.</translation>
        </message>
        <message>
            <source>Key kept for this run only</source>
            <translation>Schlüssel gilt nur bis zum Beenden</translation>
        </message>
        <message>
            <source>Key kept for this run only: this system has no keychain.</source>
            <translation>Der Schlüssel gilt nur bis zum Beenden der App: Dieses System hat keinen Schlüsselbund.</translation>
        </message>
        <message>
            <source>Key not changed: Groq rejected it, so replies fail until it is.</source>
            <translation>Schlüssel nicht geändert: Groq hat ihn abgelehnt, daher schlagen Antworten fehl, bis er geändert ist.</translation>
        </message>
        <message>
            <source>Key saved in your system keychain.</source>
            <translation>Schlüssel im Schlüsselbund deines Systems gespeichert.</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <source>Model for the next reply</source>
            <translation>Modell für die nächste Antwort</translation>
        </message>
        <message>
            <source>Models</source>
            <translation>Modelle</translation>
        </message>
        <message>
            <source>Next replies come from {model}.</source>
            <translation>Die nächsten Antworten kommen von {model}.</translation>
        </message>
        <message>
            <source>No API key yet: past sessions can be read; add a key to chat.</source>
            <translation>Noch kein API-Schlüssel: Frühere Sitzungen sind lesbar; füge einen Schlüssel hinzu, um zu chatten.</translation>
        </message>
        <message>
            <source>Quick-ask keys not changed</source>
            <translation>Schnellfrage-Tasten nicht geändert</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Einstellungen gespeichert.</translation>
        </message>
        <message>
            <source>Text size {size} pt.</source>
            <translation>Schriftgröße {size} pt.</translation>
        </message>
        <message>
            <source>The API key was not changed.</source>
            <translation>Der API-Schlüssel wurde nicht geändert.</translation>
        </message>
        <message>
            <source>The model for the next reply</source>
            <translation>Das Modell für die nächste Antwort</translation>
        </message>
        <message>
            <source>The model for the next reply. {error}</source>
            <translation>Das Modell für die nächste Antwort. {error}</translation>
        </message>
        <message>
            <source>{new} cannot open the quick-ask window: {reason}. {old} still does.</source>
            <translation>{new} kann das Schnellfrage-Fenster nicht öffnen: {reason}. {old} öffnet es weiterhin.</translation>
        </message>
    </context>
    <context>
        <name>Shortcuts</name>
        <message>
            <source>A key for “{action}” is not one this keyboard can press.</source>
            <translation>Eine Taste für „{action}“ gibt es auf dieser Tastatur nicht.</translation>
        </message>
        <message>
            <source>Up (in an empty composer)</source>
            <translation>Hoch (im leeren Eingabefeld)</translation>
        </message>
        <message>
            <source>a new line</source>
            <translation>eine neue Zeile</translation>
        </message>
        <message>
            <source>command palette (every action and session)</source>
            <translation>Befehlspalette (alle Aktionen und Sitzungen)</translation>
        </message>
        <message>
            <source>copy</source>
            <translation>Kopieren</translation>
        </message>
        <message>
            <source>copy the last reply</source>
            <translation>letzte Antwort kopieren</translation>
        </message>
        <message>
            <source>cut</source>
            <translation>Ausschneiden</translation>
        </message>
        <message>
            <source>delete a character</source>
            <translation>ein Zeichen löschen</translation>
        </message>
        <message>
            <source>delete the line</source>
            <translation>die Zeile löschen</translation>
        </message>
        <message>
            <source>delete the next word</source>
            <translation>das nächste Wort löschen</translation>
        </message>
        <message>
            <source>delete the previous word</source>
            <translation>das vorige Wort löschen</translation>
        </message>
        <message>
            <source>delete the selected session (asks first)</source>
            <translation>gewählte Sitzung löschen (mit Rückfrage)</translation>
        </message>
        <message>
            <source>delete to the end of line</source>
            <translation>bis zum Zeilenende löschen</translation>
        </message>
        <message>
            <source>deselect</source>
            <translation>Auswahl aufheben</translation>
        </message>
        <message>
            <source>dictate (tap to start and stop, or hold)</source>
            <translation>diktieren (antippen zum Starten und Stoppen, oder halten)</translation>
        </message>
        <message>
            <source>edit the last message (Esc cancels)</source>
            <translation>letzte Nachricht bearbeiten (Esc bricht ab)</translation>
        </message>
        <message>
            <source>edit the last message (in an empty composer)</source>
            <translation>letzte Nachricht bearbeiten (im leeren Eingabefeld)</translation>
        </message>
        <message>
            <source>end of line</source>
            <translation>Zeilenende</translation>
        </message>
        <message>
            <source>end of the text</source>
            <translation>Textende</translation>
        </message>
        <message>
            <source>end session: summarize it and start fresh</source>
            <translation>Sitzung beenden: zusammenfassen und neu beginnen</translation>
        </message>
        <message>
            <source>focus the composer</source>
            <translation>ins Eingabefeld</translation>
        </message>
        <message>
            <source>larger / smaller text</source>
            <translation>größere / kleinere Schrift</translation>
        </message>
        <message>
            <source>larger text</source>
            <translation>größere Schrift</translation>
        </message>
        <message>
            <source>moving between controls</source>
            <translation>Wechsel zwischen Bedienelementen</translation>
        </message>
        <message>
            <source>new session</source>
            <translation>neue Sitzung</translation>
        </message>
        <message>
            <source>next session</source>
            <translation>nächste Sitzung</translation>
        </message>
        <message>
            <source>next version</source>
            <translation>nächste Version</translation>
        </message>
        <message>
            <source>next word</source>
            <translation>nächstes Wort</translation>
        </message>
        <message>
            <source>paste</source>
            <translation>Einfügen</translation>
        </message>
        <message>
            <source>previous / next version of the last message that has versions</source>
            <translation>vorige / nächste Version der letzten Nachricht mit Versionen</translation>
        </message>
        <message>
            <source>previous session</source>
            <translation>vorige Sitzung</translation>
        </message>
        <message>
            <source>previous version</source>
            <translation>vorige Version</translation>
        </message>
        <message>
            <source>previous word</source>
            <translation>voriges Wort</translation>
        </message>
        <message>
            <source>quit</source>
            <translation>beenden</translation>
        </message>
        <message>
            <source>redo</source>
            <translation>Wiederherstellen</translation>
        </message>
        <message>
            <source>regenerate the last reply (or retry after an error)</source>
            <translation>letzte Antwort neu erzeugen (oder nach einem Fehler wiederholen)</translation>
        </message>
        <message>
            <source>rename the selected session</source>
            <translation>gewählte Sitzung umbenennen</translation>
        </message>
        <message>
            <source>search sessions</source>
            <translation>Sitzungen durchsuchen</translation>
        </message>
        <message>
            <source>search the web on / off</source>
            <translation>Websuche ein / aus</translation>
        </message>
        <message>
            <source>select all</source>
            <translation>alles auswählen</translation>
        </message>
        <message>
            <source>select the next word</source>
            <translation>nächstes Wort auswählen</translation>
        </message>
        <message>
            <source>select the previous word</source>
            <translation>voriges Wort auswählen</translation>
        </message>
        <message>
            <source>select to the end</source>
            <translation>bis zum Ende auswählen</translation>
        </message>
        <message>
            <source>select to the end of line</source>
            <translation>bis zum Zeilenende auswählen</translation>
        </message>
        <message>
            <source>select to the start</source>
            <translation>bis zum Anfang auswählen</translation>
        </message>
        <message>
            <source>select to the start of line</source>
            <translation>bis zum Zeilenanfang auswählen</translation>
        </message>
        <message>
            <source>send (or a new line)</source>
            <translation>Senden (oder eine neue Zeile)</translation>
        </message>
        <message>
            <source>send / new line</source>
            <translation>senden / neue Zeile</translation>
        </message>
        <message>
            <source>send, with Ctrl+Enter as the send key</source>
            <translation>Senden, mit Strg+Eingabe als Sendetaste</translation>
        </message>
        <message>
            <source>settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>show / hide the last reply's thinking</source>
            <translation>Nachdenken der letzten Antwort ein-/ausblenden</translation>
        </message>
        <message>
            <source>show / hide the sidebar</source>
            <translation>Seitenleiste ein-/ausblenden</translation>
        </message>
        <message>
            <source>show all shortcuts</source>
            <translation>alle Tastenkürzel zeigen</translation>
        </message>
        <message>
            <source>smaller text</source>
            <translation>kleinere Schrift</translation>
        </message>
        <message>
            <source>start of line</source>
            <translation>Zeilenanfang</translation>
        </message>
        <message>
            <source>start of the text</source>
            <translation>Textanfang</translation>
        </message>
        <message>
            <source>stop the reply being generated</source>
            <translation>die entstehende Antwort anhalten</translation>
        </message>
        <message>
            <source>undo</source>
            <translation>Rückgängig</translation>
        </message>
        <message>
            <source>{key} is set for both “{other}” and “{action}”.</source>
            <translation>{key} ist sowohl für „{other}“ als auch für „{action}“ gesetzt.</translation>
        </message>
        <message>
            <source>{key} is {use} in the composer and the search box: pick another key for “{action}”.</source>
            <translation>{key} ist im Eingabefeld und im Suchfeld belegt ({use}): Wähle eine andere Taste für „{action}“.</translation>
        </message>
        <message>
            <source>{key} is {use}: pick another key for “{action}”.</source>
            <translation>{key} ist belegt ({use}): Wähle eine andere Taste für „{action}“.</translation>
        </message>
        <message>
            <source>{key} types a character: pick another key for “{action}”.</source>
            <translation>{key} tippt ein Zeichen: Wähle eine andere Taste für „{action}“.</translation>
        </message>
    </context>
    <context>
        <name>ShortcutsDialog</name>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>Tastenkürzel</translation>
        </message>
    </context>
    <context>
        <name>Sizes</name>
        <message numerus="yes">
            <source>%n bytes</source>
            <translation>
                <numerusform>%n Byte</numerusform>
                <numerusform>%n Bytes</numerusform>
            </translation>
        </message>
        <message>
            <source>{size} KB</source>
            <translation>{size} KB</translation>
        </message>
        <message>
            <source>{size} MB</source>
            <translation>{size} MB</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <source>Could not open the chat database ({path}): {reason}. Check that the folder can be written and the disk is not full.</source>
            <translation>Die Chat-Datenbank ({path}) konnte nicht geöffnet werden: {reason}. Prüfe, ob der Ordner beschreibbar und die Festplatte nicht voll ist.</translation>
        </message>
        <message>
            <source>Could not save to the chat database ({path}): {reason}.</source>
            <translation>Speichern in der Chat-Datenbank ({path}) fehlgeschlagen: {reason}.</translation>
        </message>
        <message>
            <source>Desktop Chat cannot create its data folder ({folder}): {reason}. Make the folder above it writable, or set DESKTOP_CHAT_DATA_DIR to a folder you can write, and start again.</source>
            <translation>Desktop Chat kann seinen Datenordner ({folder}) nicht anlegen: {reason}. Mach den übergeordneten Ordner beschreibbar oder setze DESKTOP_CHAT_DATA_DIR auf einen beschreibbaren Ordner und starte erneut.</translation>
        </message>
        <message>
            <source>Desktop Chat cannot use its chat database ({path}): {reason}. Check that the folder can be written and the disk is not full, then start again.</source>
            <translation>Desktop Chat kann seine Chat-Datenbank ({path}) nicht verwenden: {reason}. Prüfe, ob der Ordner beschreibbar und die Festplatte nicht voll ist, und starte dann erneut.</translation>
        </message>
        <message>
            <source>The chat database ({path}) is damaged, and Desktop Chat cannot move it aside to start a fresh one: {reason}. The file is left as it is. Make the folder writable (or set DESKTOP_CHAT_DATA_DIR to another folder) and start again.</source>
            <translation>Die Chat-Datenbank ({path}) ist beschädigt, und Desktop Chat kann sie nicht beiseiteschieben, um eine neue anzulegen: {reason}. Die Datei bleibt, wie sie ist. Mach den Ordner beschreibbar (oder setze DESKTOP_CHAT_DATA_DIR auf einen anderen Ordner) und starte erneut.</translation>
        </message>
        <message>
            <source>The chat database is in use by another program ({path}), so Desktop Chat cannot save to it. Close that program (or the other Desktop Chat) and start again.</source>
            <translation>Die Chat-Datenbank wird von einem anderen Programm verwendet ({path}), daher kann Desktop Chat nicht darin speichern. Schließe das Programm (oder das andere Desktop Chat) und starte erneut.</translation>
        </message>
        <message>
            <source>The chat database was written by a newer Desktop Chat (schema {version}). Update the app to open it.</source>
            <translation>Die Chat-Datenbank wurde von einem neueren Desktop Chat geschrieben (Schema {version}). Aktualisiere die App, um sie zu öffnen.</translation>
        </message>
        <message>
            <source>permission denied</source>
            <translation>Zugriff verweigert</translation>
        </message>
        <message>
            <source>the disk is full</source>
            <translation>die Festplatte ist voll</translation>
        </message>
        <message>
            <source>the disk is read-only</source>
            <translation>die Festplatte ist schreibgeschützt</translation>
        </message>
        <message>
            <source>the disk reported a read or write error</source>
            <translation>die Festplatte meldete einen Lese- oder Schreibfehler</translation>
        </message>
        <message>
            <source>the folder or the file cannot be written</source>
            <translation>der Ordner oder die Datei ist nicht beschreibbar</translation>
        </message>
        <message>
            <source>{link} is a link to {target}, outside the data folder, so Desktop Chat does not follow it. Remove the link (or move the real file into {folder}) and start again.</source>
            <translation>{link} ist ein Link auf {target} außerhalb des Datenordners, daher folgt Desktop Chat ihm nicht. Entferne den Link (oder verschiebe die echte Datei nach {folder}) und starte erneut.</translation>
        </message>
    </context>
    <context>
        <name>Supabase</name>
        <message>
            <source>The Supabase project's tables are older than this app ({reason}). Run schema.sql again in the project's SQL Editor; changes wait until then.</source>
            <translation>Die Tabellen des Supabase-Projekts sind älter als diese App ({reason}). Führe schema.sql im SQL Editor des Projekts erneut aus; bis dahin warten Änderungen.</translation>
        </message>
    </context>
    <context>
        <name>SyncStatus</name>
        <message numerus="yes">
            <source> (%n not accepted by the server)</source>
            <translation>
                <numerusform> (%n vom Server nicht angenommen)</numerusform>
                <numerusform> (%n vom Server nicht angenommen)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source> (%n rows from the server could not be read)</source>
            <translation>
                <numerusform> (%n Zeile vom Server war nicht lesbar)</numerusform>
                <numerusform> (%n Zeilen vom Server waren nicht lesbar)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n changes waiting</source>
            <translation>
                <numerusform>%n Änderung wartet</numerusform>
                <numerusform>%n Änderungen warten</numerusform>
            </translation>
        </message>
        <message>
            <source>Not signed in — chats stay on this device</source>
            <translation>Nicht angemeldet — Chats bleiben auf diesem Gerät</translation>
        </message>
        <message>
            <source>Skipped rows the server holds that this app cannot read ({reasons}). Everything else syncs.</source>
            <translation>Zeilen auf dem Server, die diese App nicht lesen kann, wurden übersprungen ({reasons}). Alles andere wird synchronisiert.</translation>
        </message>
        <message>
            <source>Sync failed, retrying — {waiting}</source>
            <translation>Synchronisierung fehlgeschlagen, neuer Versuch — {waiting}</translation>
        </message>
        <message>
            <source>Sync stopped</source>
            <translation>Synchronisierung angehalten</translation>
        </message>
        <message>
            <source>Synced</source>
            <translation>Synchronisiert</translation>
        </message>
        <message>
            <source>Syncing — {waiting}</source>
            <translation>Synchronisiere — {waiting}</translation>
        </message>
        <message>
            <source>offline — {waiting}</source>
            <translation>offline — {waiting}</translation>
        </message>
    </context>
    <context>
        <name>Transcript</name>
        <message numerus="yes">
            <source>%n sources</source>
            <translation>
                <numerusform>%n Quelle</numerusform>
                <numerusform>%n Quellen</numerusform>
            </translation>
        </message>
        <message>
            <source>Assistant</source>
            <translation>Assistent</translation>
        </message>
        <message>
            <source>Branch to a new session</source>
            <translation>In eine neue Sitzung abzweigen</translation>
        </message>
        <message>
            <source>Continue</source>
            <translation>Fortsetzen</translation>
        </message>
        <message>
            <source>Conversation transcript</source>
            <translation>Gesprächsverlauf</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Kopieren</translation>
        </message>
        <message>
            <source>Copy code</source>
            <translation>Code kopieren</translation>
        </message>
        <message>
            <source>Copy link address</source>
            <translation>Linkadresse kopieren</translation>
        </message>
        <message>
            <source>Copy message</source>
            <translation>Nachricht kopieren</translation>
        </message>
        <message>
            <source>Delete message</source>
            <translation>Nachricht löschen</translation>
        </message>
        <message>
            <source>Edit</source>
            <translation>Bearbeiten</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Fehler</translation>
        </message>
        <message>
            <source>Interrupted: {reason}</source>
            <translation>Unterbrochen: {reason}</translation>
        </message>
        <message>
            <source>Jump to the latest message</source>
            <translation>Zur neuesten Nachricht springen</translation>
        </message>
        <message>
            <source>Open link</source>
            <translation>Link öffnen</translation>
        </message>
        <message>
            <source>Opens {url}</source>
            <translation>Öffnet {url}</translation>
        </message>
        <message>
            <source>Read aloud</source>
            <translation>Vorlesen</translation>
        </message>
        <message>
            <source>Searched: {query}</source>
            <translation>Gesucht: {query}</translation>
        </message>
        <message>
            <source>Select all</source>
            <translation>Alles auswählen</translation>
        </message>
        <message>
            <source>Sources</source>
            <translation>Quellen</translation>
        </message>
        <message>
            <source>Summary</source>
            <translation>Zusammenfassung</translation>
        </message>
        <message>
            <source>Thinking</source>
            <translation>Nachdenken</translation>
        </message>
        <message>
            <source>You</source>
            <translation>Du</translation>
        </message>
        <message numerus="yes">
            <source>and %n more</source>
            <translation>
                <numerusform>und %n weitere</numerusform>
                <numerusform>und %n weitere</numerusform>
            </translation>
        </message>
        <message>
            <source>still replying</source>
            <translation>antwortet noch</translation>
        </message>
        <message>
            <source>the reply did not finish.</source>
            <translation>die Antwort wurde nicht fertig.</translation>
        </message>
        <message>
            <source>thinking hidden, Enter toggles</source>
            <translation>Nachdenken ausgeblendet, Eingabe schaltet um</translation>
        </message>
        <message>
            <source>thinking shown, Enter toggles</source>
            <translation>Nachdenken eingeblendet, Eingabe schaltet um</translation>
        </message>
        <message>
            <source>version {number} of {count}</source>
            <translation>Version {number} von {count}</translation>
        </message>
        <message>
            <source>{who} is replying…</source>
            <translation>{who} antwortet…</translation>
        </message>
        <message>
            <source>↓ Latest</source>
            <translation>↓ Neueste</translation>
        </message>
        <message>
            <source>↻ Regenerate</source>
            <translation>↻ Neu erzeugen</translation>
        </message>
        <message>
            <source>↻ Retry</source>
            <translation>↻ Wiederholen</translation>
        </message>
        <message>
            <source>■ Stop reading</source>
            <translation>■ Vorlesen stoppen</translation>
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <source>Hide window</source>
            <translation>Fenster ausblenden</translation>
        </message>
        <message>
            <source>New chat</source>
            <translation>Neuer Chat</translation>
        </message>
        <message>
            <source>Quick ask</source>
            <translation>Schnellfrage</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Beenden</translation>
        </message>
        <message>
            <source>Show window</source>
            <translation>Fenster zeigen</translation>
        </message>
        <message>
            <source>{app} tray menu</source>
            <translation>{app}-Menü im Infobereich</translation>
        </message>
    </context>
    <context>
        <name>UsageView</name>
        <message>
            <source> + {count} unknown</source>
            <translation> + {count} unbekannt</translation>
        </message>
        <message>
            <source>Estimated from Groq's prices of {date} ({source}).</source>
            <translation>Geschätzt nach Groqs Preisen vom {date} ({source}).</translation>
        </message>
        <message>
            <source>Groq limits now: {limits}.</source>
            <translation>Groqs Limits jetzt: {limits}.</translation>
        </message>
        <message>
            <source>Session usage</source>
            <translation>Verbrauch der Sitzung</translation>
        </message>
        <message>
            <source>This session: {replies}, {tokens} ({cached} cached), {cost}.</source>
            <translation>Diese Sitzung: {replies}, {tokens} ({cached} zwischengespeichert), {cost}.</translation>
        </message>
        <message>
            <source>cost unknown</source>
            <translation>Kosten unbekannt</translation>
        </message>
        <message>
            <source>{count} cached</source>
            <translation>{count} zwischengespeichert</translation>
        </message>
        <message numerus="yes">
            <source>{count} of {limit} requests left</source>
            <translation>
                <numerusform>{count} von {limit} Anfragen übrig</numerusform>
                <numerusform>{count} von {limit} Anfragen übrig</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} of {limit} tokens left</source>
            <translation>
                <numerusform>{count} von {limit} Token übrig</numerusform>
                <numerusform>{count} von {limit} Token übrig</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} replies</source>
            <translation>
                <numerusform>{count} Antwort</numerusform>
                <numerusform>{count} Antworten</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} requests left</source>
            <translation>
                <numerusform>{count} Anfrage übrig</numerusform>
                <numerusform>{count} Anfragen übrig</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} tokens</source>
            <translation>
                <numerusform>{count} Token</numerusform>
                <numerusform>{count} Token</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} tokens left</source>
            <translation>
                <numerusform>{count} Token übrig</numerusform>
                <numerusform>{count} Token übrig</numerusform>
            </translation>
        </message>
        <message>
            <source>{left} (resets in {wait})</source>
            <translation>{left} (zurückgesetzt in {wait})</translation>
        </message>
    </context>
    <context>
        <name>Voice</name>
        <message>
            <source>A piece of text to speak may hold {limit} characters at most.</source>
            <translation>Ein vorzulesendes Textstück darf höchstens {limit} Zeichen haben.</translation>
        </message>
        <message>
            <source>Dictate</source>
            <translation>Diktieren</translation>
        </message>
        <message>
            <source>Dictate ({keys})</source>
            <translation>Diktieren ({keys})</translation>
        </message>
        <message>
            <source>Dictated. Check the words, then send.</source>
            <translation>Diktiert. Prüfe die Wörter, dann sende.</translation>
        </message>
        <message>
            <source>Dictation needs a Groq API key. Add one in Settings.</source>
            <translation>Diktieren braucht einen Groq-API-Schlüssel. Füge einen in den Einstellungen hinzu.</translation>
        </message>
        <message>
            <source>Groq sent audio the app cannot play (only 16-bit PCM WAV is played).</source>
            <translation>Groq hat Audio geschickt, das die App nicht abspielen kann (nur 16-Bit-PCM-WAV wird abgespielt).</translation>
        </message>
        <message>
            <source>Groq sent audio the app could not play (no WAV header).</source>
            <translation>Groq hat Audio geschickt, das die App nicht abspielen konnte (kein WAV-Kopf).</translation>
        </message>
        <message>
            <source>Groq sent audio the app could not play (no format).</source>
            <translation>Groq hat Audio geschickt, das die App nicht abspielen konnte (kein Format).</translation>
        </message>
        <message>
            <source>Groq sent audio the app could not play (not a WAV file).</source>
            <translation>Groq hat Audio geschickt, das die App nicht abspielen konnte (keine WAV-Datei).</translation>
        </message>
        <message>
            <source>Listening… click ■ to stop, Esc to cancel.</source>
            <translation>Höre zu … ■ klicken zum Beenden, Esc zum Abbrechen.</translation>
        </message>
        <message>
            <source>Microphone level</source>
            <translation>Mikrofonpegel</translation>
        </message>
        <message>
            <source>No microphone was found. Connect one, or choose a default input in your system's sound settings.</source>
            <translation>Kein Mikrofon gefunden. Schließe eines an oder wähle in den Toneinstellungen des Systems einen Standardeingang.</translation>
        </message>
        <message>
            <source>No speakers or headphones could be opened to read aloud. Check your system's sound output.</source>
            <translation>Zum Vorlesen ließen sich keine Lautsprecher oder Kopfhörer öffnen. Prüfe die Tonausgabe des Systems.</translation>
        </message>
        <message>
            <source>No words were heard in the recording.</source>
            <translation>In der Aufnahme waren keine Wörter zu hören.</translation>
        </message>
        <message>
            <source>Nothing is being recorded.</source>
            <translation>Es wird nichts aufgenommen.</translation>
        </message>
        <message>
            <source>Nothing was heard: the recording is silent. Check that the microphone is the default input, not muted, and allowed for this app.</source>
            <translation>Nichts zu hören: Die Aufnahme ist still. Prüfe, ob das Mikrofon der Standardeingang ist, nicht stummgeschaltet und für diese App erlaubt.</translation>
        </message>
        <message>
            <source>Reading aloud ({index} of {count})… Esc stops.</source>
            <translation>Vorlesen ({index} von {count}) … Esc stoppt.</translation>
        </message>
        <message>
            <source>Reading aloud needs a Groq API key. Add one in Settings.</source>
            <translation>Vorlesen braucht einen Groq-API-Schlüssel. Füge einen in den Einstellungen hinzu.</translation>
        </message>
        <message>
            <source>Reading aloud… Esc stops.</source>
            <translation>Vorlesen … Esc stoppt.</translation>
        </message>
        <message>
            <source>Reading your API key from the keychain…</source>
            <translation>Dein API-Schlüssel wird aus dem Schlüsselbund gelesen …</translation>
        </message>
        <message>
            <source>Record your voice; the words land in the message box.</source>
            <translation>Nimm deine Stimme auf; die Wörter landen im Nachrichtenfeld.</translation>
        </message>
        <message>
            <source>Record your voice; the words land in the message box. {keys}.</source>
            <translation>Nimm deine Stimme auf; die Wörter landen im Nachrichtenfeld. {keys}.</translation>
        </message>
        <message>
            <source>Recording discarded.</source>
            <translation>Aufnahme verworfen.</translation>
        </message>
        <message>
            <source>Recording time</source>
            <translation>Aufnahmezeit</translation>
        </message>
        <message>
            <source>Stop dictating</source>
            <translation>Diktieren beenden</translation>
        </message>
        <message>
            <source>Stopped reading aloud.</source>
            <translation>Vorlesen gestoppt.</translation>
        </message>
        <message>
            <source>The microphone could not be opened. Another program may be using it, or the app may not be allowed to (on macOS: System Settings → Privacy &amp; Security → Microphone).</source>
            <translation>Das Mikrofon ließ sich nicht öffnen. Vielleicht nutzt es ein anderes Programm, oder die App darf es nicht (unter macOS: Systemeinstellungen → Datenschutz &amp; Sicherheit → Mikrofon).</translation>
        </message>
        <message>
            <source>The recording could not be transcribed. {reason}</source>
            <translation>Die Aufnahme konnte nicht verschriftet werden. {reason}</translation>
        </message>
        <message>
            <source>The recording is too long to transcribe ({size} MB; Groq takes {limit} MB).</source>
            <translation>Die Aufnahme ist zu lang zum Verschriften ({size} MB; Groq nimmt {limit} MB).</translation>
        </message>
        <message>
            <source>The recording was too short. Hold the mic a little longer.</source>
            <translation>Die Aufnahme war zu kurz. Halte das Mikrofon etwas länger.</translation>
        </message>
        <message>
            <source>The reply could not be read aloud. {reason}</source>
            <translation>Die Antwort konnte nicht vorgelesen werden. {reason}</translation>
        </message>
        <message>
            <source>There was no audio to transcribe.</source>
            <translation>Es gab kein Audio zum Verschriften.</translation>
        </message>
        <message>
            <source>This message has no text to read aloud.</source>
            <translation>Diese Nachricht hat keinen Text zum Vorlesen.</translation>
        </message>
        <message>
            <source>Transcribing…</source>
            <translation>Verschrifte …</translation>
        </message>
        <message>
            <source>Voice needs PortAudio, which is not installed (on Debian or Ubuntu: sudo apt install libportaudio2).</source>
            <translation>Sprache braucht PortAudio, das nicht installiert ist (unter Debian oder Ubuntu: sudo apt install libportaudio2).</translation>
        </message>
    </context>
    <context>
        <name>WebSearch</name>
        <message>
            <source>Search the web</source>
            <translation>Im Web suchen</translation>
        </message>
        <message>
            <source>Search the web (Alt+W)</source>
            <translation>Im Web suchen (Alt+W)</translation>
        </message>
        <message>
            <source>Web</source>
            <translation>Web</translation>
        </message>
        <message>
            <source>Web search on: the next messages go to {model}.</source>
            <translation>Websuche an: Die nächsten Nachrichten gehen an {model}.</translation>
        </message>
        <message>
            <source>Web search on: {model} uses its browser search tool.</source>
            <translation>Websuche an: {model} nutzt sein Browser-Suchwerkzeug.</translation>
        </message>
        <message>
            <source>When on, the next messages search the web first</source>
            <translation>Wenn an, suchen die nächsten Nachrichten zuerst im Web</translation>
        </message>
    </context>
    <context>
        <name>Welcome</name>
        <message>
            <source>Add a Groq API key to start chatting.</source>
            <translation>Füge einen Groq-API-Schlüssel hinzu, um zu chatten.</translation>
        </message>
        <message>
            <source>Explain a concept</source>
            <translation>Ein Konzept erklären</translation>
        </message>
        <message>
            <source>Explain how public-key cryptography works, in plain words.</source>
            <translation>Erkläre in einfachen Worten, wie Public-Key-Kryptografie funktioniert.</translation>
        </message>
        <message>
            <source>Improve a text</source>
            <translation>Einen Text verbessern</translation>
        </message>
        <message>
            <source>Make this email clearer and friendlier: </source>
            <translation>Mach diese E-Mail klarer und freundlicher: </translation>
        </message>
        <message>
            <source>Model: {model}</source>
            <translation>Modell: {model}</translation>
        </message>
        <message>
            <source>New session</source>
            <translation>Neue Sitzung</translation>
        </message>
        <message>
            <source>Plan a relaxed three-day trip to Lisbon.</source>
            <translation>Plane eine entspannte dreitägige Reise nach Lissabon.</translation>
        </message>
        <message>
            <source>Plan something</source>
            <translation>Etwas planen</translation>
        </message>
        <message>
            <source>Start with: {prompt}</source>
            <translation>Beginnen mit: {prompt}</translation>
        </message>
        <message>
            <source>What can I help with?</source>
            <translation>Wobei kann ich helfen?</translation>
        </message>
        <message>
            <source>Write a Python function that removes duplicates from a list, keeping order.</source>
            <translation>Schreib eine Python-Funktion, die Duplikate aus einer Liste entfernt und die Reihenfolge beibehält.</translation>
        </message>
        <message>
            <source>Write code</source>
            <translation>Code schreiben</translation>
        </message>
    </context>
</TS>
