from desktop_chat.app import main

raise SystemExit(main())
