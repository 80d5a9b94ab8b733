"""Imported only by multiprocessing's fork server, as the first module of its preload list
(`jobs._mp_context`): the fork server and every check forked from it inherit the server's stdin
and stdout, the editor's message streams, and must not keep them open (an editor waits for the
end of our stdout) or write to them."""

import os

_devnull = os.open(os.devnull, os.O_RDWR)
os.dup2(_devnull, 0)
os.dup2(2, 1)
os.close(_devnull)
