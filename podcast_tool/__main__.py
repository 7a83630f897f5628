from podcast_tool.cli import main

main()
