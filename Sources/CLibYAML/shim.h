// libyaml (Debian's libyaml-dev): the parser crew files are read with. Its events are composed into nodes by
// CrewSpec's YAMLComposer.
#include <yaml.h>
