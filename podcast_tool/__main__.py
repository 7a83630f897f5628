from podcast_tool.cli import main

# Guarded so worker processes (batch's process pool) can import this module safely.
if __name__ == "__main__":
    main()
