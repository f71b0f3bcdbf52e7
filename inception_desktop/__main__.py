from inception_desktop.cli import main

raise SystemExit(main())
