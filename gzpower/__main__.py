from gzpower.cli import main

raise SystemExit(main())
