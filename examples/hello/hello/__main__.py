from hello import greeting


def main() -> None:
    print(greeting())


if __name__ == "__main__":
    main()
