<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
        <name>Attachments</name>
        <message numerus="yes">
            <source>%n pages</source>
            <translation>
                <numerusform>%n page</numerusform>
                <numerusform>%n pages</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Not attached: {name}. A message takes at most %n images (Groq's limit).</source>
            <translation>
                <numerusform>Not attached: {name}. A message takes at most %n image (Groq's limit).</numerusform>
                <numerusform>Not attached: {name}. A message takes at most %n images (Groq's limit).</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{name} has %n pages but no text to read (a scan, perhaps).</source>
            <translation>
                <numerusform>{name} has %n page but no text to read (a scan, perhaps).</numerusform>
                <numerusform>{name} has %n pages but no text to read (a scan, perhaps).</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ChatService</name>
        <message numerus="yes">
            <source>(%n messages).</source>
            <translation>
                <numerusform>(%n message).</numerusform>
                <numerusform>(%n messages).</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Imported %n sessions</source>
            <translation>
                <numerusform>Imported %n session</numerusform>
                <numerusform>Imported %n sessions</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>GroqClient</name>
        <message numerus="yes">
            <source>%n hours</source>
            <translation>
                <numerusform>%n hour</numerusform>
                <numerusform>%n hours</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n minutes</source>
            <translation>
                <numerusform>%n minute</numerusform>
                <numerusform>%n minutes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n seconds</source>
            <translation>
                <numerusform>%n second</numerusform>
                <numerusform>%n seconds</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ReplyController</name>
        <message numerus="yes">
            <source>{count} tokens</source>
            <translation>
                <numerusform>{count} token</numerusform>
                <numerusform>{count} tokens</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SessionPanel</name>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>%n min ago</numerusform>
                <numerusform>%n min ago</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} matches</source>
            <translation>
                <numerusform>{count} match</numerusform>
                <numerusform>{count} matches</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message numerus="yes">
            <source>%n models available.</source>
            <translation>
                <numerusform>%n model available.</numerusform>
                <numerusform>%n models available.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Sizes</name>
        <message numerus="yes">
            <source>%n bytes</source>
            <translation>
                <numerusform>%n byte</numerusform>
                <numerusform>%n bytes</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SyncStatus</name>
        <message numerus="yes">
            <source> (%n not accepted by the server)</source>
            <translation>
                <numerusform> (%n not accepted by the server)</numerusform>
                <numerusform> (%n not accepted by the server)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source> (%n rows from the server could not be read)</source>
            <translation>
                <numerusform> (%n row from the server could not be read)</numerusform>
                <numerusform> (%n rows from the server could not be read)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n changes waiting</source>
            <translation>
                <numerusform>%n change waiting</numerusform>
                <numerusform>%n changes waiting</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Transcript</name>
        <message numerus="yes">
            <source>%n sources</source>
            <translation>
                <numerusform>%n source</numerusform>
                <numerusform>%n sources</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>and %n more</source>
            <translation>
                <numerusform>and %n more</numerusform>
                <numerusform>and %n more</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>UsageView</name>
        <message numerus="yes">
            <source>{count} of {limit} requests left</source>
            <translation>
                <numerusform>{count} of {limit} requests left</numerusform>
                <numerusform>{count} of {limit} requests left</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} of {limit} tokens left</source>
            <translation>
                <numerusform>{count} of {limit} tokens left</numerusform>
                <numerusform>{count} of {limit} tokens left</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} replies</source>
            <translation>
                <numerusform>{count} reply</numerusform>
                <numerusform>{count} replies</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} requests left</source>
            <translation>
                <numerusform>{count} request left</numerusform>
                <numerusform>{count} requests left</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} tokens</source>
            <translation>
                <numerusform>{count} token</numerusform>
                <numerusform>{count} tokens</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{count} tokens left</source>
            <translation>
                <numerusform>{count} token left</numerusform>
                <numerusform>{count} tokens left</numerusform>
            </translation>
        </message>
    </context>
</TS>
