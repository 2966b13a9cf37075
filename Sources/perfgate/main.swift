import PerfGateCLI

await PerfGateCLI.main()
