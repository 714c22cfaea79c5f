from lakip_calc.cli import main

raise SystemExit(main())
