"""placeholder"""
def add_parser(sub):
    pass
def run(args):
    return 0
